// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The one way to reach an existing segment under a key, shared by loaders and readers
// (segment.cpp), raw mode (raw_segment.cpp) and the holder (holder.cpp): find (key file,
// ftok, shmget) → stat → check the owner → attach → open the semaphore. The identity check
// follows under the lock, in SlotProtocol, for segments that carry a header.

#include "base/deadline.h"
#include "sys/ipc_names.h"
#include "sys/participant_lock.h"
#include "base/error.h"
#include "format/segment_layout.h"
#include "sys/sysv.h"

#include <optional>

namespace shmtools::detail {

/// What a key's segment was made for, as recorded in its header (the key files as they are now).
layout::KeyIdentity keyIdentityOf(const IpcNames &names, const layout::FileId &segmentKeyFile,
                                  const layout::FileId &semaphoreKeyFile);

struct MappedSegment {
    SegmentStatus status;
    SegmentMapping mapping;
};
/// Find → stat → check owner → attach. NoSegment if there is none (naming the live holder
/// when its key files were removed); Unsafe if it or its key file is not ours alone.
Result<MappedSegment> mapSegment(const IpcNames &names);

struct AttachedSegment {
    SegmentStatus status;
    SegmentMapping mapping;
    Semaphore semaphore;
    layout::KeyIdentity identity; ///< ours, to compare with the header's
    ParticipantLock participant;  ///< who we are from now on (sys/participant_lock.h)
};
/// mapSegment, then this participant's lock on the segment's key file, then the semaphore. While
/// a running holder's key files are not in place (removed or replaced, e.g. by a Qt program's
/// failed create(); holder_anchors.h), or a raw holder's semaphore is missing, it waits for the
/// holder to restore them, in short sleeps until `deadline`: NoSegment naming that holder if it
/// does not in time, Interrupted on a signal. A missing semaphore under a live shm-tools holder
/// gives a stand-in that the first lock replaces (SlotProtocol::lockFor). Failure naming
/// RLIMIT_NOFILE if no descriptor is left.
Result<AttachedSegment> attachSegment(const IpcNames &names, const Deadline &deadline);

} // namespace shmtools::detail
