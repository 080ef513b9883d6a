// SPDX-License-Identifier: BSD-3-Clause
// A holder that dies loses nothing: after a SIGKILLed shm-create, the tools report "not running"
// (exit 3) and say how to recover, without destroying the orphaned segment; the next shm-create
// adopts it, says so, and serves the last version again. What the dead holder left (semaphore,
// key files) is cleaned up rather than in the way, and in the end nothing is left.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

using namespace shmtest;

namespace {

struct SegmentState {
    bool exists = false;
    std::uint64_t attachments = 0;
    bool markedForRemoval = false;
};

SegmentState segmentState(int shmid)
{
    shmid_ds ds{};
    if (shmid == -1 || ::shmctl(shmid, IPC_STAT, &ds) != 0)
        return {};
    return {true, ds.shm_nattch, (ds.shm_perm.mode & SHM_DEST) != 0};
}

bool semaphoreExists(int semid)
{
    semid_ds ds{};
    return semid != -1 && ::semctl(semid, 0, IPC_STAT, &ds) == 0;
}

/// Kills the holder with SIGKILL (a detached one, or a foreground one) and waits until it is
/// gone.
void killHolder(Holder *detached, Child *foreground)
{
    if (detached) {
        const Disappearance gone = detached->stop(SIGKILL);
        REQUIRE(gone.gone);
        if (gone.reaped)
            CHECK(gone.termSignal == SIGKILL);
    } else {
        REQUIRE(foreground->signal(SIGKILL));
        CHECK(foreground->wait(20).termSignal == SIGKILL);
    }
}

/// Every tool now reports the dead holder with exit 3, naming the way out, and touches nothing.
void checkOrphanReported(const std::string &key, int shmid, const std::string &file)
{
    std::vector<ProcessResult> results{
        readContent(key, {"-t", "3"}),           readContent(key, {"-t", "3", "--json"}),
        readContent(key, {"-t", "3", "--info"}), readContent(key, {"-t", "3", "--wait"}),
        loadStdin(key, "lost?", {"-t", "3"}),    loadFile(key, file, {"-t", "3"}),
    };
    for (const ProcessResult &result : results) {
        INFO(describe(result));
        CHECK(result.exited(3));
        // --info shows the orphan for people (and what to do) on stdout; the others print nothing.
        if (&result == &results[2])
            CHECK_THAT(result.out, Catch::Matchers::ContainsSubstring("orphan"));
        else
            CHECK(result.out.empty());
        CHECK(isOneLine(result.err));
        CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("not running") &&
                                   Catch::Matchers::ContainsSubstring("shm-create -k " + key) &&
                                   Catch::Matchers::ContainsSubstring("adopt"));
        // Looking at an orphan must not destroy it (Qt would, on its last detach).
        const SegmentState state = segmentState(shmid);
        CHECK(state.exists);
        CHECK(state.attachments == 0);
        CHECK_FALSE(state.markedForRemoval);
    }
}

} // namespace

TEST_CASE("a SIGKILLed holder's segment is reported, kept, and adopted with its content", "[holder]")
{
    const bool detached = GENERATE(true, false);
    CAPTURE(detached ? "shm-create -d, SIGKILL the PID it printed" : "foreground shm-create");
    const std::string key = uniqueKey("holderkill");
    ScratchDir scratch;
    const std::string file = scratch.write("other.bin", randomBytes(500));

    // The first holder, detached or not. Its Holder object lives to the end of the test: its
    // destructor removes whatever is left under the key, which would include the orphan.
    std::optional<Holder> first;
    std::optional<Child> foreground;
    if (detached) {
        first.emplace(key, HolderOptions::sized("256K"));
    } else {
        foreground.emplace(Tool::Create, std::vector<std::string>{"-k", key, "-s", "256K"});
        REQUIRE(foreground->waitFor(2, "ready", 20));
    }
    KeyGuard guard(key);
    const std::string published = randomBytes(200000);
    REQUIRE_EXIT(loadStdin(key, randomBytes(1000)), 0);
    REQUIRE_EXIT(loadStdin(key, published), 0); // generation 2: the one to keep
    const int shmid = currentShmid(key);
    const int staleSemid = currentSemid(key);
    REQUIRE(shmid != -1);
    REQUIRE(staleSemid != -1);
    rememberIpc(key);

    killHolder(first ? &*first : nullptr, foreground ? &*foreground : nullptr);
    // It died without cleaning up: segment, semaphore and both key files are still there.
    CHECK(segmentState(shmid).exists);
    CHECK(semaphoreExists(staleSemid));
    CHECK(::access(shmKeyFile(key).c_str(), F_OK) == 0);
    CHECK(::access(semKeyFile(key).c_str(), F_OK) == 0);

    checkOrphanReported(key, shmid, file);

    // Adopted twice over: by a new holder, and after that one is killed too, by a third. Each
    // holder object lives to the end, as its destructor would remove what it leaves.
    std::optional<Holder> adopters[2];
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        const int semidBefore = currentSemid(key);
        Holder &next = adopters[round].emplace(key, HolderOptions::sized("256K"));
        const ProcessResult &start = next.startResult();
        INFO(describe(start));
        CHECK_THAT(start.err,
                   Catch::Matchers::ContainsSubstring("adopted") && Catch::Matchers::ContainsSubstring("generation 2"));
        CHECK(currentShmid(key) == shmid); // the same segment, not a new one
        // The dead holder's semaphore is taken over (never removed while someone may use it):
        // the new holder removes it when it stops.
        CHECK(currentSemid(key) == semidBefore);
        rememberIpc(key);

        const ProcessResult read = readContent(key, {"-t", "3"});
        CHECK_EXIT(read, 0);
        CHECK(read.out == published);
        const QJsonObject info = readJson(key);
        CHECK(info.value("generation").toInteger() == 2);
        CHECK(info.value("holder_pid").toInteger() == next.pid());
        if (round == 0) {
            killHolder(&next, nullptr);
            checkOrphanReported(key, shmid, file);
            continue;
        }
        // Fully working again: a new version goes in and comes out.
        const std::string fresh = randomBytes(1000);
        CHECK_EXIT(loadStdin(key, fresh, {"-t", "3"}), 0);
        CHECK(readContent(key).out == fresh);
        REQUIRE(next.stop().gone);
    }
    // Nothing of any of the three holders is left: segment, semaphores, key files.
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
    CHECK_FALSE(semaphoreExists(staleSemid));
    CHECK_FALSE(segmentState(shmid).exists);
}

TEST_CASE("a dead holder's stale semaphore and key files are no obstacle to a new holder", "[holder]")
{
    const std::string key = uniqueKey("stale");
    KeyGuard guard(key);
    std::optional<Holder> first;
    first.emplace(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "old"), 0);
    const int shmid = currentShmid(key);
    const int staleSemid = currentSemid(key);
    rememberIpc(key);
    killHolder(&*first, nullptr);

    SECTION("the segment was removed by hand (ipcrm), the semaphore and key files remain")
    {
        REQUIRE(::shmctl(shmid, IPC_RMID, nullptr) == 0);
        const ProcessResult read = readContent(key, {"-t", "3"});
        CHECK_EXIT(read, 3);
        CHECK_THAT(read.err, Catch::Matchers::ContainsSubstring("no such segment"));
    }
    SECTION("only the key files remain")
    {
        REQUIRE(::shmctl(shmid, IPC_RMID, nullptr) == 0);
        REQUIRE(::semctl(staleSemid, 0, IPC_RMID) == 0);
    }
    SECTION("only a key file remains, as a program that crashed before creating anything leaves it")
    {
        REQUIRE(::shmctl(shmid, IPC_RMID, nullptr) == 0);
        REQUIRE(::semctl(staleSemid, 0, IPC_RMID) == 0);
        REQUIRE(::unlink(semKeyFile(key).c_str()) == 0);
    }

    Holder next(key, HolderOptions::sized("64K"));
    CHECK_THAT(next.startResult().err, !Catch::Matchers::ContainsSubstring("adopted"));
    CHECK(currentSemid(key) != -1); // the stale one reused, or a new one: the holder's to remove
    rememberIpc(key);
    const QJsonObject info = readJson(key);
    CHECK(info.value("generation").toInteger() == 0); // a fresh segment: the old one was gone
    CHECK_EXIT(loadStdin(key, "new"), 0);
    CHECK(readContent(key).out == "new");

    REQUIRE(next.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
    CHECK_FALSE(semaphoreExists(staleSemid));
}
