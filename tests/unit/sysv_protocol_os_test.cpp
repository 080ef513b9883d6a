// SPDX-License-Identifier: BSD-3-Clause
// The real ProtocolOs (protocol/sysv_protocol_os) on a real semaphore and key file in a scratch
// directory: its wait cut into slices (the deadline within a slice, `gone` asked between them, a
// wake at once), the key's semaphore as its lock, and a removed semaphore taken up again once it
// is made anew.
#include "protocol/sysv_protocol_os.h"

#include "unit_support.h"

#include <chrono>
#include <optional>
#include <thread>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using unit::ScratchKey;

namespace {

/// A participant of the scratch key: its semaphore made, its lock on the segment key file.
struct RealOs {
    ScratchKey scratch;
    std::optional<SysvProtocolOs> os;
    RealOs()
    {
        auto keyFile = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
        REQUIRE(keyFile);
        REQUIRE(ensureKeyFile(scratch.names.semaphoreKeyFile, scratch.names, "semaphore"));
        auto semaphore = Semaphore::openOrCreate(scratch.names, scratch.semaphoreKey());
        REQUIRE(semaphore);
        auto participant = ParticipantLock::take(scratch.names.segmentKeyFile, keyFile->id, scratch.names.key);
        REQUIRE(participant);
        os.emplace(std::move(*semaphore), std::move(*participant));
    }
};

using Clock = std::chrono::steady_clock;

} // namespace

TEST_CASE("sysv os: a deadline shorter than the slice ends the wait at the deadline", "[sysv_protocol_os]")
{
    RealOs p;
    std::uint32_t word = 0;
    const auto start = Clock::now();
    const WaitOutcome outcome =
        p.os->waitForChange(&word, 0, Deadline::after(0.05), std::chrono::minutes(1), [] { return false; });
    CHECK(outcome == WaitOutcome::TimedOut);
    CHECK(Clock::now() - start < std::chrono::seconds(30)); // not the slice's minute
}

TEST_CASE("sysv os: between slices it asks whether the one waited on is gone, and ends when so", "[sysv_protocol_os]")
{
    RealOs p;
    std::uint32_t word = 0;
    int asked = 0;
    const WaitOutcome outcome =
        p.os->waitForChange(&word, 0, Deadline::never(), std::chrono::milliseconds(1), [&] { return ++asked == 3; });
    CHECK(outcome == WaitOutcome::Changed);
    CHECK(asked == 3);
    CHECK(word == 0); // nothing changed: the death ended it
}

TEST_CASE("sysv os: a changed word ends the wait at once, and a bump wakes the waiter", "[sysv_protocol_os]")
{
    RealOs p;
    int asked = 0;
    const auto gone = [&] { return ++asked, false; };
    SECTION("already changed: no sleep, nobody asked")
    {
        std::uint32_t word = 5;
        CHECK(p.os->waitForChange(&word, 4, Deadline::after(30), std::chrono::minutes(1), gone) ==
              WaitOutcome::Changed);
        CHECK(asked == 0);
    }
    SECTION("bumped by another thread: woken within the slice")
    {
        std::uint32_t word = 0;
        std::thread bumper([&] { p.os->bumpAndWake(&word); });
        // Without the wake it would sleep the whole minute's slice and time out at 30 s.
        const WaitOutcome outcome = p.os->waitForChange(&word, 0, Deadline::after(30), std::chrono::minutes(1), gone);
        bumper.join();
        CHECK(outcome == WaitOutcome::Changed);
        CHECK(loadWord(&word) == 1);
        CHECK(asked == 0);
    }
}

TEST_CASE("sysv os: its lock is the key's semaphore, as every other participant sees it", "[sysv_protocol_os]")
{
    RealOs p;
    auto other = Semaphore::open(p.scratch.names);
    REQUIRE(other);
    REQUIRE(p.os->lock(Deadline::after(10)));
    auto refused = other->lock(Deadline::after(0.05));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::TimedOut);
    p.os->unlock();
    CHECK(other->lock(Deadline::after(10)));
}

TEST_CASE("sysv os: a removed semaphore is NoSegment, and the one made again is taken up", "[sysv_protocol_os]")
{
    RealOs p;
    p.os->semaphore().remove();
    auto locked = p.os->lock(Deadline::after(10));
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::NoSegment);
    CHECK_FALSE(p.os->lockRestored()); // none yet
    auto remade = Semaphore::openOrCreate(p.scratch.names, p.scratch.semaphoreKey());
    REQUIRE(remade);
    CHECK(p.os->lockRestored());
    CHECK(p.os->semaphore().id() == remade->id());
    CHECK(p.os->lock(Deadline::after(10)));
    p.os->unlock();
}

TEST_CASE("sysv os: it names this process and its own live token", "[sysv_protocol_os]")
{
    RealOs p;
    const auto self = p.os->self();
    CHECK(self.pid == ::getpid());
    CHECK(self.token >= (std::uint64_t{1} << 32));
    CHECK(p.os->isAlive(self.token));
}
