// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/holder_anchors.h"

#include "sys/key_file.h"
#include "sys/participant_lock.h"

namespace shmtools::detail {

bool HolderAnchors::inPlace(const IpcNames &names) const
{
    return isSameFile(names.segmentKeyFile, segmentKeyFile) &&
           (!semaphoreKeyFile || isSameFile(names.semaphoreKeyFile, *semaphoreKeyFile));
}

pid_t HolderAnchors::holderPid() const
{
    return processHoldingLock(segmentKeyFile, mark);
}

std::optional<std::uint64_t> liveHolderMark(const std::string &path, const FileIdentity &id)
{
    for (const std::uint64_t mark : {kHolderMark, kRawHolderMark})
        if (probeHolderMark(path, id, mark).value_or(false))
            return mark;
    return std::nullopt;
}

std::optional<HolderAnchors> runningHolderAnchors(const IpcNames &names)
{
    const std::string anchor = anchorPathFor(names.segmentKeyFile);
    const auto id = ownRegularFileAt(anchor);
    if (!id)
        return std::nullopt;
    if (const auto mark = liveHolderMark(anchor, *id))
        return HolderAnchors{*id, ownRegularFileAt(anchorPathFor(names.semaphoreKeyFile)), *mark};
    return std::nullopt;
}

std::optional<HolderAnchors> keyFilesUnderRepair(const IpcNames &names)
{
    auto anchors = runningHolderAnchors(names);
    if (!anchors || anchors->inPlace(names))
        return std::nullopt;
    return anchors;
}

} // namespace shmtools::detail
