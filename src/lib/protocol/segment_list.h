// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The shm-tools segments of this user, found without key files (through /proc/sysvipc/shm):
// for `shm-read --list`, and to name the live holder of a key whose key files were removed.

#include "sys/ipc_names.h"
#include "base/error.h"
#include "format/segment_layout.h"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shmtools::detail {

struct ListedSegment {
    int shmid = -1;
    std::uint64_t size = 0;
    std::string key;               ///< as recorded by its holder (shortened if very long)
    std::string tempDir;           ///< the TMPDIR its holder used (shortened if very long)
    std::uint64_t attachments = 0; ///< processes attached now
    std::uint64_t capacity = 0;
    std::uint64_t generation = 0; ///< 0: never loaded
    std::uint64_t length = 0;     ///< of the latest version
    pid_t holderPid = 0;
    std::uint64_t holderToken = 0; ///< the holder's lock on its segment key file
    bool holderAlive = false; ///< false: an orphan, adoptable by `shm-create` with that key
    layout::KeyIdentity identity{};
};

/// A segment owned by this user alone, large enough for a header, that listSegments() could not
/// look into: it cannot be attached here (no room in the address space: RLIMIT_AS). Whether it
/// is a shm-tools segment, and whose, is unknown.
struct UnreadSegment {
    int shmid = -1;
    key_t key = 0; ///< its System V key (0 once marked for removal)
    std::uint64_t size = 0;
    std::uint64_t attachments = 0;
    int error = 0; ///< shmat's errno
};

/// Every segment owned by this user alone (uid == cuid == euid, mode 0600) that carries a valid
/// shm-tools header of this format version, in shmid order. Each header is read from a
/// read-only attachment into a validated copy, without the lock (a copy torn by a concurrent
/// update is skipped or shows the previous generation). Segments of other formats, other
/// users, raw segments, and segments removed (marked for removal: still attached by readers
/// draining them, reached by no key) are left out. Those that cannot be attached here are left
/// out too, and go to `unread` if given. Failure only if /proc/sysvipc/shm cannot be read.
Result<std::vector<ListedSegment>> listSegments(std::vector<UnreadSegment> *unread = nullptr);

/// The identities recorded by listSegments()'s segments (none if /proc/sysvipc/shm cannot be read).
std::vector<layout::KeyIdentity> recordedIdentities();

/// Whether `segment` was made in the directory at `tempDir` (a TMPDIR as IpcNames derives it),
/// decided by the key file's device and inode, never by the path alone. Its key file, or its
/// holder's anchor of it, is there: yes, whatever path it was made under (a bind mount, a
/// renamed directory). Otherwise only a live holder seen from here (its root, through /proc)
/// that sees at the path it recorded, `tempDir`, the directory we see: its key files were
/// removed. A service's private /tmp, a container's own directory at the same path, or a holder
/// that cannot be inspected (another PID namespace, dead) is not ours to report or remove.
bool madeIn(const ListedSegment &segment, const std::string &tempDir);

/// The listed segment made for `names` (same key, madeIn its TMPDIR) whose holder is alive, if any.
std::optional<ListedSegment> findLiveHolder(const IpcNames &names);

} // namespace shmtools::detail
