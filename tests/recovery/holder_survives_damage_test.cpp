// SPDX-License-Identifier: BSD-3-Clause
// A live holder survives damage done under it: a scribbled header under --watch, its key files
// removed, its semaphore removed (systemd's RemoveIPC).

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "sys/futex.h"
#include "sys/key_file.h"
#include "protocol/segment_list.h"

#include "support/catch_compat.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;

using namespace shmtest;

TEST_CASE("a holder under --watch survives a scribbled header and says so", "[watch]")
{
    const std::string key = uniqueKey("scribble");
    KeyGuard guard(key);
    Child holder(Tool::Create, {"-k", key, "-s", "64K", "--watch"});
    REQUIRE(holder.waitFor(2, "ready", 20));
    REQUIRE_EXIT(loadStdin(key, "v1"), 0);
    REQUIRE(holder.waitFor(2, "generation 1", 20));
    {
        LiveSegment segment(key);
        segment.edit([](layout::SegmentHeader &h) {
            h.activeSlot = 1000;
            bumpAndWake(&h.changeCounter);
        });
    }
    REQUIRE(holder.waitFor(2, "corrupt", 20));
    CHECK(holder.running());
    holder.signal(SIGTERM);
    const ProcessResult stopped = holder.wait(20);
    CHECK_EXIT(stopped, 0);
    CHECK_FALSE(leftovers(key));
}

TEST_CASE("key files removed under a live holder are reported, and name the holder", "[keyfiles]")
{
    const std::string key = uniqueKey("keygone");
    KeyGuard guard(key);
    Child holder(Tool::Create, {"-k", key, "-s", "64K"});
    REQUIRE(holder.waitFor(2, "ready", 20));
    rememberIpc(key);
    const std::string pid = std::to_string(holder.pid());
    // Moved away rather than unlinked: to the tools they are gone all the same, and their inodes
    // stay taken, so that no other test's new key file can reuse one and meet this holder's
    // segment under the same ftok key while it runs (it would be refused, with exit 9).
    const std::string moved = ".moved-away";
    // The holder's anchors first (second hard links it restores removed key files from): this
    // case is the one it cannot repair.
    for (const std::string &file : {shmKeyFile(key), semKeyFile(key)})
        REQUIRE(::rename(anchorPathFor(file).c_str(), (file + ".anchor" + moved).c_str()) == 0);
    for (const std::string &file : {shmKeyFile(key), semKeyFile(key)})
        REQUIRE(::rename(file.c_str(), (file + moved).c_str()) == 0);

    // The holder notices within seconds.
    CHECK(holder.waitFor(2, "key files", 20));
    const ProcessResult read = readContent(key, {"-t", "3"});
    CHECK_EXIT(read, 3);
    CHECK(containsWord(read.err, pid));
    CHECK_THAT(read.err, !Catch::Matchers::ContainsSubstring("no such segment"));
    const ProcessResult create = run(Tool::Create, {"-d", "-q", "-k", key, "-s", "64K", "-t", "3"});
    CHECK_EXIT(create, 4);
    CHECK(containsWord(create.err, pid));
    CHECK_THAT(create.err, !Catch::Matchers::ContainsSubstring("same moment"));
    if (create.exited(0))
        ::kill(std::stoi(create.out), SIGTERM);

    holder.signal(SIGTERM);
    CHECK_EXIT(holder.wait(20), 0);
    for (const std::string &file : {shmKeyFile(key), semKeyFile(key)}) {
        ::unlink((file + moved).c_str());
        ::unlink((file + ".anchor" + moved).c_str());
    }
}

TEST_CASE("a semaphore removed under a live holder (RemoveIPC) is restored", "[removeipc]")
{
    const std::string key = uniqueKey("semgone");
    Holder holder(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "kept across RemoveIPC"), 0);
    const int semid = currentSemid(key);
    REQUIRE(semid != -1);
    SECTION("while the holder cannot restore it yet, the tools name the live holder")
    {
        REQUIRE(::kill(holder.pid(), SIGSTOP) == 0);
        REQUIRE(::semctl(semid, 0, IPC_RMID) == 0);
        const ProcessResult gap = readContent(key, {"-t", "3"});
        ::kill(holder.pid(), SIGCONT);
        CHECK_EXIT(gap, 3);
        CHECK(containsWord(gap.err, std::to_string(holder.pid())));
        CHECK_THAT(gap.err, Catch::Matchers::ContainsSubstring("RemoveIPC"));
    }
    SECTION("removed at once")
    {
        REQUIRE(::semctl(semid, 0, IPC_RMID) == 0); // what `ipcrm -s` and logind do
    }
    // The holder makes a new one under the same key within seconds.
    REQUIRE(waitUntil([&] { return currentSemid(key) != -1 && currentSemid(key) != semid; }, 20));
    const ProcessResult read = readContent(key, {"-t", "3"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "kept across RemoveIPC");
    CHECK_EXIT(loadStdin(key, "and loadable"), 0);
    CHECK(holder.stop().gone);
    CHECK_FALSE(leftovers(key));
}
