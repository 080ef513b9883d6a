// SPDX-License-Identifier: BSD-3-Clause
// Holder::adoptExisting: take over the segment a killed holder left, keeping its content, or
// refuse (held by another program, foreign, or corrupt).
#include "protocol/holder.h"

#include "protocol/holder_liveness.h"
#include "protocol/segment_attach.h"
#include "sys/participant_lock.h"

#include <algorithm>
#include <cstring>

namespace shmtools::detail {

using namespace layout;

Status Holder::adoptExisting()
{
    auto mapped = m_system->mapSegment(m_names);
    if (!mapped)
        return mapped.error();
    const SegmentStatus &status = mapped->status;
    const std::string ipcrm = "remove it with 'ipcrm -m " + std::to_string(status.shmid) + "'";
    SegmentHeader copy{};
    std::memcpy(&copy, mapped->data, std::min<std::uint64_t>(sizeof copy, status.size));
    const HeaderCheck check = status.size >= kHeaderSize ? checkHeader(copy, status.size).check : HeaderCheck::Foreign;
    if (check == HeaderCheck::Foreign || m_options.raw) {
        if (status.attachments > 0)
            return heldBy(m_names,
                          "another program (segment " + std::to_string(status.shmid) + ", created by PID " +
                              std::to_string(status.creatorPid) + ")",
                          status.creatorPid);
        return makeError(ErrorCode::InvalidContent,
                         m_names.key + ": an orphaned segment " +
                             (check == HeaderCheck::Foreign ? "not made by shm-tools" : "of shm-tools format") +
                             " exists under this key; " + ipcrm);
    }
    auto protocol = std::make_unique<SlotProtocol>(mapped->data, status.size, *m_protocolOs, m_names.key, m_identity);
    auto kept = protocol->adopt(Deadline::after(m_options.lockTimeout.count()));
    if (!kept) {
        if (kept.error().code != ErrorCode::InvalidContent)
            return kept.error();
        // Every format version keeps the holder's record where version 1 had it (versions 1
        // and 2 as a PID and its start time), so an older holder is recognised too. Asked
        // through our own participant, whose answer is never Unknown: a live holder's segment
        // is never taken.
        const bool older = copy.formatVersion != 0 && copy.formatVersion < kFormatVersion;
        const HolderRecord record{copy.holder, m_identity.segmentKeyFile, m_names.segmentKeyFile, copy.formatVersion};
        const bool holderRuns = holderLiveness(record, m_protocolOs).liveness != Liveness::Dead;
        const pid_t pid = older ? copy.holder.pid : pidInOurNamespace(copy.holder, pidNamespaceId());
        const std::string who =
            older ? "PID " + std::to_string(pid) : describeParticipant(copy.holder, pidNamespaceId());
        if (holderRuns)
            return heldBy(m_names,
                          "a running holder (" + who +
                              ") whose header this version cannot use (another shm-tools version, or corrupt)",
                          pid);
        return makeError(ErrorCode::InvalidContent,
                         kept.error().message + " (the orphan of a holder that died); " + ipcrm);
    }
    m_shmid = status.shmid;
    m_protocol = std::move(protocol);
    m_adopted = true;
    m_kept = *kept;
    m_capacity = m_protocol->capacity();
    return {};
}

// A creator killed between shmget and writing the header leaves a segment nobody is attached
// to whose header is all zero: "not made by shm-tools" to every later tool, for ever. Called
// under the lock, which every creator holds from shmget until its header is written, so an
// unfinished segment seen here is one whose creator died. Its pages were never written beyond
// the header (at most the first page, or huge page, is in memory), so nothing of value is lost.
Result<bool> Holder::removeHalfMadeSegment()
{
    auto shmid = m_system->findSegment(m_names);
    if (!shmid)
        return shmid.error().code == ErrorCode::NoSegment ? Result<bool>(false) : Result<bool>(shmid.error());
    auto status = m_system->statSegment(*shmid, m_names);
    if (!status)
        return status.error().code == ErrorCode::NoSegment ? Result<bool>(false) : Result<bool>(status.error());
    if (auto owned = requireOwnedSegment(*status, m_names); !owned)
        return owned.error();
    if (status->attachments != 0 || status->markedForRemoval)
        return false;
    constexpr std::uint64_t kHugePage = 2u << 20;
    const auto inUse = m_system->segmentBytesInUse(status->shmid);
    if (!inUse || *inUse > kHugePage)
        return false;
    if (*inUse != 0) {
        unsigned char start[kHeaderSize];
        const std::size_t bytes = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof start, status->size));
        if (!m_system->copySegmentStart(status->shmid, start, bytes) ||
            std::any_of(start, start + bytes, [](unsigned char byte) { return byte != 0; }))
            return false;
    }
    m_system->removeSegment(status->shmid);
    return true;
}

} // namespace shmtools::detail
