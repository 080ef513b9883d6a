// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What the slot protocol needs from the operating system, behind one small interface (as
// ninja's DiskInterface is), so that claim, pin, publish, adoption, the lock-owner word and
// wake-ups can be unit-tested in one process, deterministically, on a plain buffer: a fake
// decides which participants are alive, when the lock is busy or granted twice, and what happens
// while a waiter sleeps.

#include "base/deadline.h"
#include "base/error.h"
#include "format/segment_layout.h"
#include "sys/futex.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace shmtools::detail {

class ProtocolOs {
public:
    virtual ~ProtocolOs() = default;

    /// This participant as its records name it: its token, and its PID and PID namespace for
    /// messages.
    virtual layout::Participant self() const = 0;
    /// True while the participant with `token` exists (our own token included; 0 names nobody).
    /// Decided by the kernel, never by a PID.
    virtual bool isAlive(std::uint64_t token) const = 0;
    /// If a holder of this key marked itself on the key file (ParticipantLock::markHolder): its
    /// PID here (0 if unknown); nullopt if none. For a header that no longer names it.
    virtual std::optional<pid_t> markedHolder() const { return std::nullopt; }
    /// Now, as the header records times: Unix time in milliseconds.
    virtual std::int64_t unixTimeMs() const = 0;

    /// Takes the segment's semaphore (the lock Qt peers see). TimedOut at the deadline,
    /// Interrupted on a signal, NoSegment if it has gone.
    virtual Status lock(const Deadline &deadline) = 0;
    /// After lock() said NoSegment (the semaphore was removed): true if a semaphore exists under
    /// the same key again (the holder restored it), which lock() takes from now on.
    virtual bool lockRestored() { return false; }
    /// Gives the semaphore back; never fails.
    virtual void unlock() = 0;
    /// Called while holding the semaphore: destroys one more unit of it if there is one, which
    /// only a semaphore granted twice has (a Qt peer's create() sets it to 1 even while it is
    /// held), so that it counts one again. Never blocks, never fails.
    virtual void dropSurplusUnit() = 0;

    /// Sleeps while `*word == seen`, until woken, the deadline passes or a signal arrives; every
    /// `slice` it asks `gone` and returns Changed if that is true (a participant waited on has
    /// died: its death wakes nobody). "Changed" may be spurious.
    virtual WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen, const Deadline &deadline,
                                      std::chrono::milliseconds slice, const std::function<bool()> &gone) = 0;
    /// Adds one to the word and wakes everyone sleeping on it.
    virtual void bumpAndWake(std::uint32_t *word) = 0;
};

} // namespace shmtools::detail
