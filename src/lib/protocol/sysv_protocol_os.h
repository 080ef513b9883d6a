#pragma once

#include "protocol/protocol_os.h"
#include "sys/sysv.h"

#include <optional>

/// The real ProtocolOs: Qt's SysV semaphore as the lock, shared futexes, pidfd watches and
/// /proc for liveness.
class SysvProtocolOs final : public ProtocolOs {
public:
    explicit SysvProtocolOs(Semaphore semaphore);

    ProcessIdentity self() const override { return m_self; }
    bool isAlive(const layout::ProcessStamp &stamp) const override;
    std::int64_t unixTimeMs() const override;
    Status lock(const Deadline &deadline) override;
    void unlock() override { m_lock.reset(); }
    WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen, const std::vector<ProcessIdentity> &watched,
                              const Deadline &deadline) override;
    void bumpAndWake(std::uint32_t *word) override;

    const Semaphore &semaphore() const { return m_semaphore; }
    /// Uses another semaphore from now on (the holder's replacement for a removed one).
    void setSemaphore(Semaphore semaphore)
    {
        m_lock.reset();
        m_semaphore = std::move(semaphore);
    }

private:
    Semaphore m_semaphore;
    ProcessIdentity m_self;
    std::optional<Semaphore::Lock> m_lock;
};
