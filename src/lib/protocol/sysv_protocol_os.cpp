#include "protocol/sysv_protocol_os.h"

#include "protocol/process_stamp.h"
#include "sys/process_watch.h"

#include <chrono>

SysvProtocolOs::SysvProtocolOs(Semaphore semaphore) : m_semaphore(std::move(semaphore)), m_self(ProcessIdentity::self())
{
}

bool SysvProtocolOs::isAlive(const layout::ProcessStamp &stamp) const
{
    return ::isAlive(stamp);
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
    return Done{};
}

WaitOutcome SysvProtocolOs::waitForChange(std::uint32_t *word, std::uint32_t seen,
                                          const std::vector<ProcessIdentity> &watched, const Deadline &deadline)
{
    const ProcessWatch watch(watched, word);
    return waitWhileEqual(word, seen, deadline);
}

void SysvProtocolOs::bumpAndWake(std::uint32_t *word)
{
    ::bumpAndWake(word);
}
