// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "protocol/protocol_os.h"
#include "sys/participant_lock.h"
#include "sys/sysv.h"

#include <optional>

namespace shmtools::detail {

/// The real ProtocolOs: Qt's SysV semaphore as the lock, shared futexes slept on in slices, and
/// this participant's OFD lock on the key file for liveness (no thread, no pidfd).
class SysvProtocolOs final : public ProtocolOs {
public:
    SysvProtocolOs(Semaphore semaphore, ParticipantLock participant);

    layout::Participant self() const override { return m_self; }
    bool isAlive(std::uint64_t token) const override { return m_participant.isAlive(token); }
    std::optional<pid_t> markedHolder() const override { return m_participant.markedHolder(); }
    std::int64_t unixTimeMs() const override;
    Status lock(const Deadline &deadline) override;
    bool lockRestored() override;
    void unlock() override { m_lock.reset(); }
    void dropSurplusUnit() override;
    WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen, const Deadline &deadline,
                              std::chrono::milliseconds slice, const std::function<bool()> &gone) override;
    void bumpAndWake(std::uint32_t *word) override;

    const Semaphore &semaphore() const { return m_semaphore; }
    /// Uses another semaphore from now on (the holder's replacement for a removed one).
    void setSemaphore(Semaphore semaphore)
    {
        m_lock.reset();
        m_semaphore = std::move(semaphore);
    }
    /// Marks this participant as the key's holder (ParticipantLock::markHolder).
    bool markHolder(bool raw) { return m_participant.markHolder(raw); }
    /// True in a child of fork(): this participant belongs to the parent.
    bool forked() const { return m_participant.forked(); }

private:
    Semaphore m_semaphore;
    ParticipantLock m_participant;
    layout::Participant m_self;
    std::optional<Semaphore::Lock> m_lock;
};

} // namespace shmtools::detail
