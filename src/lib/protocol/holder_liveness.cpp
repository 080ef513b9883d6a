// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/holder_liveness.h"

#include "protocol/protocol_os.h"
#include "protocol/slot_protocol.h"
#include "sys/key_file.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"

#include <optional>

namespace shmtools::detail {

namespace {

// The holder's lock asked of the kernel (F_OFD_GETLK) through a descriptor of its key file: our
// participant's, else one opened at the key file's path, else at its anchor's (a second link of
// the same file, there while the key file is removed or replaced). nullopt if none reaches it.
std::optional<bool> probeLock(const HolderRecord &record, const ProtocolOs *participant)
{
    if (participant)
        return participant->isAlive(record.holder.token);
    if (record.keyFilePath.empty())
        return std::nullopt;
    for (const std::string &where : {record.keyFilePath, anchorPathFor(record.keyFilePath)})
        if (auto alive = probeToken(where, record.keyFile, record.holder.token))
            return alive;
    return std::nullopt;
}

// Versions 1 and 2 named their holder by PID and start time, which is how an older holder
// recognised itself: a live one is never taken for an orphan.
bool olderRecordRuns(const HolderRecord &record)
{
    const bool older = record.formatVersion != 0 && record.formatVersion < layout::kFormatVersion;
    return older && ProcessIdentity{record.holder.pid, record.holder.token}.isAlive();
}

} // namespace

HolderLiveness holderLiveness(const HolderRecord &record, const ProtocolOs *participant)
{
    const pid_t recorded = pidInOurNamespace(record.holder, pidNamespaceId());
    if (olderRecordRuns(record))
        return {Liveness::Alive, record.holder.pid};
    if (record.holder.token == 0) // names nobody
        return {Liveness::Dead, recorded};
    if (const auto alive = probeLock(record, participant))
        return {*alive ? Liveness::Alive : Liveness::Dead, recorded};
    // Key file and anchor both gone (removed with TMPDIR): a live holder still holds the removed
    // file open, and /proc shows the process whose descriptor of that inode lists its lock.
    const auto holding = findProcessHoldingLock(record.keyFile, record.holder.token);
    if (holding && *holding != 0)
        return {Liveness::Alive, *holding};
    // Nobody that /proc lets us inspect holds it. A live holder is the process its record names
    // (a child of fork() never keeps its parent's lock): where that process is seen from here
    // (our PID namespace or one below it) and is gone, or is inspected and holds no such lock (its
    // PID reused), the holder is dead. Where it cannot be seen (another PID namespace) or its
    // descriptors cannot be inspected (from a user namespace), it may live.
    if (holding && recorded > 0) {
        const bool gone = ProcessIdentity::of(recorded).pid == 0;
        if (gone || processHoldsLock(recorded, record.keyFile, record.holder.token) == std::optional<bool>(false))
            return {Liveness::Dead, recorded};
    }
    return {Liveness::Unknown, recorded};
}

} // namespace shmtools::detail
