#pragma once

// The shm-tools segments of this user: what `ipcs -m` shows, narrowed to segments that carry the
// shm-tools header and belong to this user alone, with what their headers say.

#include <shmtools/error.h>
#include <shmtools/export.h>

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shmtools {

struct SegmentSummary {
    /// The key the segment was created with, if the segment records it; empty otherwise.
    std::string key;
    /// The key file under this process's TMPDIR whose System V key leads to the segment; empty
    /// if there is none here (the segment belongs to another TMPDIR, or its file was removed).
    std::string nativeKey;
    int shmid = -1;
    int sysvKey = 0; ///< what ftok() gave its creator
    std::uint64_t segmentSize = 0;
    std::uint64_t attachments = 0;
    std::uint64_t capacity = 0;
    std::uint64_t generation = 0; ///< 0: never loaded
    std::uint64_t length = 0;     ///< of the latest version
    pid_t holderPid = 0;
    bool holderAlive = false; ///< false: an orphan; the next Holder::start with its key adopts it
};

/// Every shm-tools segment owned by this user, ordered by shmid. A snapshot taken without the
/// segments' locks: values may be a moment old. Failure if the system's list of segments
/// (/proc/sysvipc/shm) cannot be read; a segment that vanishes while being looked at is left out.
SHMTOOLS_EXPORT Result<std::vector<SegmentSummary>> listSegments();

} // namespace shmtools
