#pragma once

// What the slot protocol needs from the operating system, behind one small interface (as
// ninja's DiskInterface is), so that claim, pin, publish, adoption and wake-ups can be
// unit-tested in one process, deterministically, on a plain buffer: a fake decides who is
// alive, when a lock is busy, and what happens while a waiter sleeps.

#include "base/deadline.h"
#include "sys/futex.h"
#include "sys/process_identity.h"
#include "base/result.h"
#include "format/segment_layout.h"

#include <cstdint>
#include <vector>

class ProtocolOs {
public:
    virtual ~ProtocolOs() = default;

    /// The calling process as it stamps the header.
    virtual ProcessIdentity self() const = 0;
    /// True while the stamped process still runs (an empty stamp names none).
    virtual bool isAlive(const layout::ProcessStamp &stamp) const = 0;
    /// Now, as the header records times: Unix time in milliseconds.
    virtual std::int64_t unixTimeMs() const = 0;

    /// Takes the segment lock. TimedOut at the deadline, Interrupted on a signal, NoSegment if
    /// the lock has gone.
    virtual Status lock(const Deadline &deadline) = 0;
    /// Gives the lock back; never fails.
    virtual void unlock() = 0;

    /// Sleeps while `*word == seen`, until woken, the deadline passes, a signal arrives, or any
    /// process in `watched` dies. "Changed" may be spurious.
    virtual WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen,
                                      const std::vector<ProcessIdentity> &watched, const Deadline &deadline) = 0;
    /// Adds one to the word and wakes everyone sleeping on it.
    virtual void bumpAndWake(std::uint32_t *word) = 0;
};

/// Holds the lock of a ProtocolOs for a scope; unlock() gives it back early.
class OsLock {
public:
    explicit OsLock(ProtocolOs &os) : m_os(&os) {}
    OsLock(OsLock &&other) noexcept : m_os(std::exchange(other.m_os, nullptr)) {}
    OsLock &operator=(OsLock &&) = delete;
    ~OsLock() { unlock(); }
    void unlock()
    {
        if (m_os)
            std::exchange(m_os, nullptr)->unlock();
    }

private:
    ProtocolOs *m_os;
};
