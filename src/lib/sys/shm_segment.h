// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// System V shared memory segments, reached the way Qt reaches them, with what Qt does not offer:
// ownership checks, and attaching without Qt's destroy-on-last-detach (which would wipe an
// orphaned segment's data). Every shmget/shmat/shmdt/shmctl of the library is here.

#include "sys/huge_pages.h"
#include "sys/ipc_names.h"
#include "base/error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace shmtools::detail {

struct SegmentStatus {
    int shmid = -1;
    std::uint64_t size = 0;
    uid_t uid = 0;
    uid_t cuid = 0;
    mode_t mode = 0;
    pid_t creatorPid = 0;
    pid_t lastPid = 0;        ///< shm_lpid: the last process to attach or detach
    std::int64_t changed = 0; ///< shm_ctime (seconds): when it was made or last IPC_SET
    std::uint64_t attachments = 0;
    bool markedForRemoval = false;
};

/// The segment under `names`. NoSegment if its key file or segment does not exist; Unsafe if
/// the key file is not a regular file owned by us.
Result<int> findSegment(const IpcNames &names);
/// IPC_STAT of a segment. NoSegment if it has gone.
Result<SegmentStatus> statSegment(int shmid, const IpcNames &names);
/// Unsafe unless the segment is ours alone: uid == cuid == our euid, no group/other bits.
Status requireOwnedSegment(const SegmentStatus &status, const IpcNames &names);

/// What shmget(key, size, 0600|IPC_CREAT|IPC_EXCL) gave: the new segment's id, or -1 and the
/// errno it failed with, read at once (EEXIST: a segment exists under the key).
struct NewSegment {
    int shmid = -1;
    int error = 0;
};
NewSegment createSegmentExclusive(key_t key, std::uint64_t size);
/// Marks a segment for removal (IPC_RMID): attached processes keep their mapping, nobody new
/// finds it. Best effort.
void removeSegment(int shmid);
/// Copies the first `bytes` of a segment (attached read-only for the copy, then detached) into
/// `out`. False if it cannot be attached, with shmat's errno in `error` (if given).
bool copySegmentStart(int shmid, void *out, std::size_t bytes, int *error = nullptr);
/// Why shmat failed with `error`, for a message: the errno's name and meaning, and for ENOMEM
/// this process's RLIMIT_AS ("see 'ulimit -v'"), the usual cause.
std::string attachFailureCause(int error);

/// Whose size a mapping has: an existing segment's, or the size this process asked for when it
/// made the segment. No room for the latter in the address space (ENOMEM under `ulimit -v`) is a
/// size this process's limits refuse: Usage, as a size beyond kernel.shmmax is.
enum class MappedSize { OfSegment, Requested };

/// A mapping of a segment, detached (never removed) on destruction.
class SegmentMapping {
public:
    SegmentMapping() = default;
    SegmentMapping(SegmentMapping &&other) noexcept;
    SegmentMapping &operator=(SegmentMapping &&other) noexcept;
    ~SegmentMapping();

    /// Maps the segment, read-write unless asked otherwise (2 MiB aligned, advised huge pages,
    /// where the kernel offers them for shared memory: see huge_pages.h). NoSegment if it was
    /// removed; Failure if shmat fails otherwise, naming RLIMIT_AS where there is no room in the
    /// address space, Usage then for a MappedSize::Requested.
    static Result<SegmentMapping> attach(int shmid, std::uint64_t size, const IpcNames &names,
                                         MappingAccess access = MappingAccess::ReadWrite,
                                         MappedSize mappedSize = MappedSize::OfSegment);

    unsigned char *data() const { return m_data; }
    std::uint64_t size() const { return m_size; }

private:
    unsigned char *m_data = nullptr;
    std::uint64_t m_size = 0;
};

/// One line of the kernel's table of segments (/proc/sysvipc/shm).
struct SegmentTableRow {
    key_t key = 0; ///< its System V key (IPC_PRIVATE, 0, once marked for removal)
    int shmid = -1;
    std::uint64_t bytesInUse = 0; ///< rss + swap: 0 means no page was ever touched, every byte zero
};
/// Every segment of this IPC namespace, from /proc/sysvipc/shm. nullopt if it cannot be read.
std::optional<std::vector<SegmentTableRow>> segmentTable();
/// bytesInUse of the segment `shmid`; nullopt if the table cannot be read or lacks it.
std::optional<std::uint64_t> segmentBytesInUse(int shmid);
/// True if a segment exists under the SysV key `key` (of anyone).
bool segmentExistsUnder(key_t key);

} // namespace shmtools::detail
