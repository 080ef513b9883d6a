// SPDX-License-Identifier: BSD-3-Clause
// Removing a key's segment whole (protocol/segment_removal, `shm-create --remove`) on the real
// System V, with its key files in a scratch directory: the holders are child processes of this
// one (a holder that serves until SIGTERM, one killed to leave an orphan, a raw one), and the
// test checks what is left afterwards itself: segment, semaphore, key files and anchors.
#include "protocol/segment_removal.h"

#include "protocol/holder.h"
#include "protocol/segment_attach.h"
#include "sys/interrupt.h"

#include "unit_support.h"

#include <csignal>
#include <cstring>
#include <string>
#include <sys/shm.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using shmtools::HolderOptions;
using shmtools::Result;
using unit::ChildProcess;
using unit::ScratchKey;

namespace {

constexpr double kTimeout = 30; // only ever reached if the code under test is broken

/// A holder of `names` in a child process: it serves until SIGTERM (then removes everything, as
/// `shm-create` does), or until it is killed.
ChildProcess::Body holderOf(const IpcNames &names, bool raw = false)
{
    return [&names, raw](int readyFd, int) {
        installInterruptHandlers();
        HolderOptions options;
        options.capacity = 4096;
        options.raw = raw;
        auto holder = Holder::start(names, options);
        if (!holder)
            return 1;
        ChildProcess::tellReady(readyFd);
        (*holder)->serve(nullptr);
        return 0; // the holder is destroyed on the way out: it removes what it holds
    };
}

/// True if the segment `shmid` is gone for good (removed, or marked for removal).
bool segmentGone(int shmid, const IpcNames &names)
{
    auto status = statSegment(shmid, names);
    return !status || status->markedForRemoval;
}

/// A segment made under the key's segment key file by shmget alone, all zero, as a creator
/// leaves it before writing its header (or another program before writing anything).
NewSegment bareSegment(const ScratchKey &scratch)
{
    auto keyFile = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
    REQUIRE(keyFile);
    const NewSegment segment = createSegmentExclusive(keyFile->key, 4096);
    REQUIRE(segment.shmid != -1);
    return segment;
}

/// A key held by a holder in a child process (raw: a raw holder), and its objects' ids.
struct Held {
    ScratchKey scratch;
    ChildProcess holder;
    unit::KeyIds ids;
    explicit Held(bool raw = false) : holder(holderOf(scratch.names, raw))
    {
        REQUIRE(holder.ready());
        ids = scratch.ids();
    }
    /// `removed` stopped the holder, which then exited cleanly on SIGTERM, having removed
    /// everything; `waited`: the removal returned only once it had exited.
    void checkStopped(const Result<Removal> &removed, bool waited = true)
    {
        REQUIRE(removed);
        CHECK(removed->holderStopped);
        CHECK(removed->holderPid == holder.pid());
        CHECK(removed->shmid == ids.shmid);
        if (waited)
            scratch.checkNothingLeft(ids); // before the holder is even reaped
        CHECK(holder.wait() == 0);
        scratch.checkNothingLeft(ids);
    }
};

} // namespace

TEST_CASE("removal: nothing under the key is NoSegment, naming the key's TMPDIR", "[segment_removal]")
{
    ScratchKey scratch;
    auto removed = removeSegment(scratch.names, kTimeout);
    REQUIRE_FALSE(removed);
    CHECK(removed.error().code == ErrorCode::NoSegment);
    CHECK_THAT(removed.error().message, Catch::Matchers::ContainsSubstring("nothing to remove") &&
                                            Catch::Matchers::ContainsSubstring(scratch.names.tempDir));
}

TEST_CASE("removal: a running holder is asked to stop, and everything is gone once it has", "[segment_removal]")
{
    Held held;
    held.checkStopped(removeSegment(held.scratch.names, kTimeout));
}

TEST_CASE("removal: with a timeout of 0 the holder is signalled, not waited for, and removes everything",
          "[segment_removal]")
{
    Held held;
    held.checkStopped(removeSegment(held.scratch.names, 0), false);
}

TEST_CASE("removal: the orphan of a killed holder is adopted and removed whole", "[segment_removal]")
{
    Held held;
    const pid_t pid = held.holder.pid();
    ::kill(pid, SIGKILL);
    REQUIRE(held.holder.wait() == 100 + SIGKILL);
    REQUIRE_FALSE(segmentGone(held.ids.shmid, held.scratch.names)); // an orphan: nobody removed it
    auto removed = removeSegment(held.scratch.names, kTimeout);
    REQUIRE(removed);
    CHECK_FALSE(removed->holderStopped);
    CHECK(removed->holderPid == pid); // the dead one, as its header names it
    CHECK(removed->shmid == held.ids.shmid);
    held.scratch.checkNothingLeft(held.ids);
}

TEST_CASE("removal: a raw holder is stopped through the key file it keeps open", "[segment_removal]")
{
    Held held(true);
    held.checkStopped(removeSegment(held.scratch.names, kTimeout));
}

TEST_CASE("removal: a holder whose header was overwritten is found by its mark and stopped", "[segment_removal]")
{
    Held held;
    {
        auto mapped = mapSegment(held.scratch.names);
        REQUIRE(mapped);
        std::memset(mapped->mapping.data(), 'Q', 64); // a program writing where the header is
    }
    held.checkStopped(removeSegment(held.scratch.names, kTimeout));
}

TEST_CASE("removal: a segment left unfinished by a creator killed before its header goes whole", "[segment_removal]")
{
    // All zero, nobody attached: what shm-create SIGKILLed between shmget and its header leaves,
    // which a start replaces. --remove refused it as foreign and pointed at ipcrm.
    ScratchKey scratch;
    const NewSegment unfinished = bareSegment(scratch);
    auto removed = removeSegment(scratch.names, kTimeout);
    REQUIRE(removed);
    CHECK_FALSE(removed->holderStopped);
    CHECK(removed->holderPid == 0); // no holder ever wrote its name
    CHECK(removed->shmid == unfinished.shmid);
    CHECK(segmentGone(unfinished.shmid, scratch.names));
    CHECK_FALSE(scratch.keyFilesLeft());
}

TEST_CASE("removal: a holder killed as it stops, after its segment, leaves nothing behind", "[segment_removal]")
{
    // SIGKILLed between removing its segment and its semaphore: --remove said to remove the rest
    // by hand, though nothing stood in the way.
    ScratchKey scratch;
    ChildProcess holder([&names = scratch.names](int readyFd, int) {
        sigset_t term;
        ::sigemptyset(&term);
        ::sigaddset(&term, SIGTERM);
        ::sigprocmask(SIG_BLOCK, &term, nullptr); // the removal's SIGTERM waits for sigwait
        auto started = Holder::start(names, HolderOptions{4096, false, shmtools::Seconds(kTimeout)});
        if (!started)
            return 1;
        ChildProcess::tellReady(readyFd);
        int signal = 0;
        ::sigwait(&term, &signal);
        ::shmctl((*started)->shmid(), IPC_RMID, nullptr);
        ::_exit(0); // no destructor: semaphore, key files and anchors stay
    });
    REQUIRE(holder.ready());
    const unit::KeyIds ids = scratch.ids();
    auto removed = removeSegment(scratch.names, kTimeout);
    REQUIRE(removed);
    CHECK(removed->holderStopped);
    CHECK(removed->shmid == ids.shmid);
    scratch.checkNothingLeft(ids);
}

TEST_CASE("removal: a segment not made by shm-tools is refused, named, and left alone", "[segment_removal]")
{
    ScratchKey scratch;
    const NewSegment foreign = bareSegment(scratch);
    {
        auto mapping = SegmentMapping::attach(foreign.shmid, 4096, scratch.names);
        REQUIRE(mapping);
        std::memset(mapping->data(), 'Q', 16); // another program's content, not an unfinished header
    }
    const std::string shmid = std::to_string(foreign.shmid);
    SECTION("nobody attached: how to remove it by hand")
    {
        auto removed = removeSegment(scratch.names, kTimeout);
        REQUIRE_FALSE(removed);
        CHECK(removed.error().code == ErrorCode::InvalidContent);
        CHECK_THAT(removed.error().message, Catch::Matchers::ContainsSubstring("not a shm-tools segment") &&
                                                Catch::Matchers::ContainsSubstring("ipcrm -m " + shmid));
    }
    SECTION("a program attached: stop it first")
    {
        auto mapping = SegmentMapping::attach(foreign.shmid, 4096, scratch.names);
        REQUIRE(mapping);
        auto removed = removeSegment(scratch.names, kTimeout);
        REQUIRE_FALSE(removed);
        CHECK(removed.error().code == ErrorCode::InvalidContent);
        CHECK_THAT(removed.error().message, Catch::Matchers::ContainsSubstring("stop the program using it"));
    }
    CHECK_FALSE(segmentGone(foreign.shmid, scratch.names));
    CHECK(::access(scratch.names.segmentKeyFile.c_str(), F_OK) == 0);
}
