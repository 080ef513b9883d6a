// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/sysv_holder_os.h"

#include "protocol/segment_attach.h"
#include "sys/participant_lock.h"

#include <utility>

namespace shmtools::detail {

Status SysvHolderOs::openSemaphore(const IpcNames &names, const KeyFile &keyFile, bool *made)
{
    auto semaphore = Semaphore::openOrCreate(names, keyFile.key, made);
    if (!semaphore)
        return semaphore.error();
    m_semaphore.emplace(std::move(*semaphore));
    return {};
}

void SysvHolderOs::removeSemaphoreIfNeverUsed()
{
    const Semaphore *semaphore = m_semaphore ? &*m_semaphore : m_os ? &m_os->semaphore() : nullptr;
    if (semaphore && semaphore->neverUsed())
        semaphore->remove();
}

void SysvHolderOs::removeSemaphore()
{
    // One opened but not yet handed to a participant is this start's newest (an earlier attempt
    // of a start that lost a race to a removed key file may have left its participant here).
    if (m_semaphore)
        m_semaphore->remove();
    else if (m_os)
        m_os->semaphore().remove();
}

Result<ProtocolOs *> SysvHolderOs::participate(const IpcNames &names, const KeyFile &segmentKeyFile)
{
    auto participant = ParticipantLock::take(names.segmentKeyFile, segmentKeyFile.id, names.key);
    if (!participant)
        return participant.error();
    m_os = std::make_unique<SysvProtocolOs>(std::move(*m_semaphore), std::move(*participant));
    m_semaphore.reset();
    return static_cast<ProtocolOs *>(m_os.get());
}

bool SysvHolderOs::markHolder(bool raw)
{
    return m_os && m_os->markHolder(raw); // ParticipantLock::markHolder
}

std::optional<ListedSegment> SysvHolderOs::findLiveHolder(const IpcNames &names)
{
    return detail::findLiveHolder(names);
}

Result<int> SysvHolderOs::findSegment(const IpcNames &names)
{
    return detail::findSegment(names);
}

Result<SegmentStatus> SysvHolderOs::statSegment(int shmid, const IpcNames &names)
{
    return detail::statSegment(shmid, names);
}

bool SysvHolderOs::segmentExists(key_t key)
{
    return segmentExistsUnder(key);
}

bool SysvHolderOs::semaphoreExists(key_t key)
{
    return semaphoreExistsUnder(key);
}

std::vector<layout::KeyIdentity> SysvHolderOs::recordedIdentities()
{
    return detail::recordedIdentities();
}

NewSegment SysvHolderOs::createSegmentExclusive(key_t key, std::uint64_t size)
{
    return detail::createSegmentExclusive(key, size);
}

Result<unsigned char *> SysvHolderOs::attach(int shmid, std::uint64_t size, const IpcNames &names)
{
    auto mapping = SegmentMapping::attach(shmid, size, names, MappingAccess::ReadWrite, MappedSize::Requested);
    if (!mapping)
        return mapping.error();
    m_mappings.push_back(std::move(*mapping));
    return m_mappings.back().data();
}

Result<HolderOs::Mapped> SysvHolderOs::mapSegment(const IpcNames &names)
{
    auto mapped = detail::mapSegment(names);
    if (!mapped)
        return mapped.error();
    m_mappings.push_back(std::move(mapped->mapping));
    return Mapped{mapped->status, m_mappings.back().data()};
}

std::optional<std::uint64_t> SysvHolderOs::segmentBytesInUse(int shmid)
{
    return detail::segmentBytesInUse(shmid);
}

bool SysvHolderOs::copySegmentStart(int shmid, void *out, std::size_t bytes)
{
    return detail::copySegmentStart(shmid, out, bytes);
}

void SysvHolderOs::removeSegment(int shmid)
{
    detail::removeSegment(shmid);
}

} // namespace shmtools::detail
