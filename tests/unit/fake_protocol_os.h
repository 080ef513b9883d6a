// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The fake operating system of the protocol's unit tests (slot_protocol_test, holder_test): who
// is alive, whether the lock is free and what happens while a waiter sleeps, decided in one
// process so that every race is played out deterministically.

#include "protocol/protocol_os.h"
#include "format/segment_layout.h"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <set>

namespace fake {

using namespace shmtools::detail;
using namespace shmtools::detail::layout;
using shmtools::ErrorCode;
using shmtools::Status;

/// A participant's token in the fake: process PID's Nth Segment (tokens are what the protocol
/// compares; PIDs are only printed).
inline std::uint64_t tokenFor(pid_t pid, int nth = 0)
{
    return (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(pid) * 16 + static_cast<std::uint64_t>(nth);
}

/// The shared world of the fake: participants alive, the lock, and a hook run while a waiter sleeps.
struct World {
    std::set<std::uint64_t> alive; ///< tokens
    bool locked = false;
    bool grantsTwice = false; ///< the semaphore is handed out even while taken (reset by a Qt peer)
    int waits = 0;
    int surplusDrops = 0;
    int errnoAfterUnlock = 0; ///< what unlock() leaves in errno (0: untouched)
    bool lastWokenByDeath = false; ///< the last wait ended because `gone` said so, the word unchanged
    std::chrono::milliseconds lastSlice{0};
    /// Runs inside each wait; may kill participants, give back pins, scribble the header.
    std::function<void()> duringWait;
    void kill(pid_t pid, int nth = 0) { alive.erase(tokenFor(pid, nth)); }
};

class FakeOs final : public ProtocolOs {
public:
    FakeOs(World &world, pid_t pid, int nth = 0) : m_world(world), m_pid(pid), m_token(tokenFor(pid, nth))
    {
        world.alive.insert(m_token);
    }
    Participant self() const override { return {m_pid, 0, m_token, 4026531836u}; }
    bool isAlive(std::uint64_t token) const override { return token != 0 && m_world.alive.count(token); }
    std::int64_t unixTimeMs() const override { return 1'700'000'000'000; }
    Status lock(const Deadline &) override
    {
        if (m_world.locked && !m_world.grantsTwice) // in one thread a busy lock can only time out
            return makeError(ErrorCode::TimedOut, "fake: the lock is busy");
        m_world.locked = true;
        return {};
    }
    void unlock() override
    {
        m_world.locked = false;
        if (m_world.errnoAfterUnlock != 0)
            errno = m_world.errnoAfterUnlock; // as a real semop may leave it
    }
    void dropSurplusUnit() override { ++m_world.surplusDrops; }
    WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen, const Deadline &,
                              std::chrono::milliseconds slice, const std::function<bool()> &gone) override
    {
        ++m_world.waits;
        m_world.lastSlice = slice;
        m_world.lastWokenByDeath = false;
        if (m_world.duringWait)
            m_world.duringWait();
        if (load(*word) != seen)
            return WaitOutcome::Changed;
        if (gone && gone()) { // what the real one asks between slices
            m_world.lastWokenByDeath = true;
            return WaitOutcome::Changed;
        }
        return WaitOutcome::TimedOut; // nothing happened: the deadline passes
    }
    void bumpAndWake(std::uint32_t *word) override { shared(*word).fetch_add(1); }

private:
    World &m_world;
    pid_t m_pid;
    std::uint64_t m_token;
};

} // namespace fake
