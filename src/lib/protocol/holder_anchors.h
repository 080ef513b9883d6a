// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// A running holder found through its anchors, the second hard links of its key files that its
// housekeeping restores them from (Holder::anchorKeyFiles, sys/key_file.h). Its mark
// (ParticipantLock::markHolder) is an OFD lock on the segment key file's inode, so it shows
// through the anchor even while the key file itself is removed, or another file is in its
// place: what a Qt program's failed create() leaves for about a second (the "repair second").
// Tools wait for the repair instead of failing; creators refuse instead of making objects of
// their own there.

#include "base/file_identity.h"
#include "sys/ipc_names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace shmtools::detail {

struct HolderAnchors {
    FileIdentity segmentKeyFile{};                ///< the anchored inode: the holder's key file
    std::optional<FileIdentity> semaphoreKeyFile; ///< none if that anchor is missing
    std::uint64_t mark = 0;                       ///< kHolderMark or kRawHolderMark

    /// True if both key files of `names` are the anchored files now (nothing to restore). A
    /// semaphore key file without an anchor counts as in place: nothing would restore it.
    bool inPlace(const IpcNames &names) const;
    /// The holder's PID, found through /proc (0 if it cannot be seen there): for messages only.
    pid_t holderPid() const;
};

/// The mark (kHolderMark or kRawHolderMark) a live holder holds on the key file at `path`, which
/// must be the file `id`; nullopt if none (or the file cannot be probed). Seen from any IPC
/// namespace: the lock is the file's, not the segment's.
std::optional<std::uint64_t> liveHolderMark(const std::string &path, const FileIdentity &id);

/// The anchors of a running holder (shm-tools or raw) of `names`, or nullopt if none is marked on
/// them (no holder, a killed holder's stale anchors, or a holder that could not anchor).
std::optional<HolderAnchors> runningHolderAnchors(const IpcNames &names);

/// runningHolderAnchors, only while its key files are not in place: removed or replaced, and
/// restored by that holder within about a second.
std::optional<HolderAnchors> keyFilesUnderRepair(const IpcNames &names);

} // namespace shmtools::detail
