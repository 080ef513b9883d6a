// SPDX-License-Identifier: BSD-3-Clause
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
    /// The key its holder recorded (shortened if very long; see keyComplete).
    std::string key;
    bool keyComplete = true; ///< false: `key` is a shortened form of a very long key
    /// The TMPDIR its holder used (shortened if very long): processes meet a segment only
    /// under the same TMPDIR.
    std::string tempDir;
    /// Made in the directory that is this process's TMPDIR (QDir::tempPath()), under any path to it.
    bool underThisTempDir = false;
    /// The segment's key file, for a segment under this TMPDIR with a complete key; else empty.
    std::string nativeKey;
    int shmid = -1;
    std::uint64_t segmentSize = 0;
    std::uint64_t attachments = 0;
    std::uint64_t capacity = 0;
    std::uint64_t generation = 0; ///< 0: never loaded
    std::uint64_t length = 0;     ///< of the latest version
    pid_t holderPid = 0;
    bool holderAlive = false; ///< false: an orphan; the next Holder::start with its key adopts it
    /// Its semaphore's id (as `ipcs -s` shows it), found through the key files: -1 for a segment
    /// under another TMPDIR, with a shortened key, or whose semaphore is gone.
    int semid = -1;
};

/// Every shm-tools segment owned by this user alone, under any TMPDIR, ordered by shmid. A
/// snapshot taken without the segments' locks: values may be a moment old. Failure if the
/// system's list of segments (/proc/sysvipc/shm) cannot be read; a segment that vanishes, or
/// whose header is torn or foreign while being looked at, is left out, and so is one that cannot
/// be attached here to read its header (listSegmentsWithUninspected() has those).
SHMTOOLS_EXPORT Result<std::vector<SegmentSummary>> listSegments();

/// A segment of this user that listSegments() leaves out because it cannot look into it here:
/// attaching it to read its header failed, most often for want of room in this process's
/// address space (RLIMIT_AS, `ulimit -v`, smaller than the segment). Whether it is a shm-tools
/// segment, and whose, is unknown; it is owned by this user alone, as those listed are.
struct UninspectedSegment {
    int shmid = -1;
    std::uint64_t segmentSize = 0;
    std::uint64_t attachments = 0;
    /// The segment key file in this process's TMPDIR that leads to it (its name carries the key,
    /// as Qt derives it); empty if none does.
    std::string nativeKey;
    /// Why it could not be looked into, and what would let it be: one line, without a key.
    std::string problem;
};

/// What a listing found: the segments listSegments() returns, and those it could not look into.
struct SegmentListing {
    std::vector<SegmentSummary> segments;
    std::vector<UninspectedSegment> uninspected; ///< ordered by shmid
};

/// listSegments(), and the segments of this user it leaves out because it cannot look into them
/// (so that a listing shows them rather than hides them). Fails as listSegments() does.
SHMTOOLS_EXPORT Result<SegmentListing> listSegmentsWithUninspected();

/// The segment key file of `key` under this process's TMPDIR (QSharedMemory's native key of a
/// legacy key), whether or not it exists: to tell the UninspectedSegment of a key by its
/// nativeKey. Usage for an empty or too long key.
SHMTOOLS_EXPORT Result<std::string> nativeKeyOf(const std::string &key);

} // namespace shmtools
