// SPDX-License-Identifier: BSD-3-Clause
// The public listing: the core's enumeration of this user's segments, with what a caller needs
// to tell the segments of its own TMPDIR from the others.
#include "format/checksum.h"
#include "base/error.h"
#include "protocol/segment_list.h"
#include "sys/sysv.h"

#include <shmtools/listing.h>

#include <QDir>

namespace shmtools {

Result<std::vector<SegmentSummary>> listSegments()
{
    auto listed = detail::listSegments();
    if (!listed)
        return listed.error();
    // As IpcNames derives it, so that the comparison matches the holder's own.
    const std::string here = QDir::tempPath().toStdString();
    std::vector<SegmentSummary> summaries;
    summaries.reserve(listed->size());
    for (const detail::ListedSegment &segment : *listed) {
        SegmentSummary summary;
        summary.key = segment.key;
        summary.keyComplete = segment.identity.keyHash == detail::Checksum::of(segment.key.data(), segment.key.size());
        summary.tempDir = segment.tempDir;
        summary.underThisTempDir = detail::madeIn(segment, here);
        if (summary.underThisTempDir && summary.keyComplete)
            if (auto names = detail::ipcNamesFor(segment.key)) {
                summary.nativeKey = names->segmentKeyFile;
                // Only the key files of this TMPDIR lead to a semaphore (ftok of its key file).
                if (auto semaphore = detail::Semaphore::open(*names))
                    summary.semid = semaphore->id();
            }
        summary.shmid = segment.shmid;
        summary.segmentSize = segment.size;
        summary.attachments = segment.attachments;
        summary.capacity = segment.capacity;
        summary.generation = segment.generation;
        summary.length = segment.length;
        summary.holderPid = segment.holderPid;
        summary.holderAlive = segment.holderAlive;
        summaries.push_back(std::move(summary));
    }
    return summaries;
}

} // namespace shmtools
