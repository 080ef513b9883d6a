// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/sysv_protocol_os.h"

#include "sys/process_identity.h"
#include "sys/semaphore_surplus.h"

#include <algorithm>
#include <chrono>

namespace shmtools::detail {

SysvProtocolOs::SysvProtocolOs(Semaphore semaphore, ParticipantLock participant)
    : m_semaphore(std::move(semaphore)), m_participant(std::move(participant)),
      m_self{static_cast<std::int32_t>(currentPid()), 0, m_participant.token(), pidNamespaceId()}
{
}

std::int64_t SysvProtocolOs::unixTimeMs() const
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Status SysvProtocolOs::lock(const Deadline &deadline)
{
    auto taken = m_semaphore.lock(deadline);
    if (!taken)
        return taken.error();
    m_lock.emplace(std::move(*taken));
    return {};
}

bool SysvProtocolOs::lockRestored()
{
    auto restored = m_semaphore.reopen();
    if (!restored)
        return false;
    setSemaphore(std::move(*restored));
    return true;
}

void SysvProtocolOs::dropSurplusUnit()
{
    detail::dropSurplusUnit(m_semaphore.id());
}

WaitOutcome SysvProtocolOs::waitForChange(std::uint32_t *word, std::uint32_t seen, const Deadline &deadline,
                                          std::chrono::milliseconds slice, const std::function<bool()> &gone)
{
    // A death wakes nobody (no watcher thread, no pidfd: both fail in a full pids cgroup or at
    // RLIMIT_NOFILE), so the futex sleep is cut into slices and `gone` asked between them; a
    // publish or a release still wakes the word at once.
    const double sliceSeconds = std::chrono::duration<double>(slice).count();
    for (;;) {
        double seconds = sliceSeconds;
        if (!deadline.isNever()) {
            const timespec left = deadline.remaining();
            seconds = std::min(seconds, static_cast<double>(left.tv_sec) + static_cast<double>(left.tv_nsec) / 1e9);
            if (seconds <= 0)
                return WaitOutcome::TimedOut;
        }
        const WaitOutcome outcome = waitWhileEqual(word, seen, Deadline::after(seconds));
        if (outcome != WaitOutcome::TimedOut)
            return outcome;
        if (gone && gone())
            return WaitOutcome::Changed;
    }
}

void SysvProtocolOs::bumpAndWake(std::uint32_t *word)
{
    detail::bumpAndWake(word);
}

} // namespace shmtools::detail
