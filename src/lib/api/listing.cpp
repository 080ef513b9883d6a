// SPDX-License-Identifier: BSD-3-Clause
// The public listing: the core's enumeration of this user's segments, with what a caller needs
// to tell the segments of its own TMPDIR from the others.
#include "format/checksum.h"
#include "base/error.h"
#include "protocol/segment_list.h"
#include "sys/key_file.h"
#include "sys/sysv.h"

#include <shmtools/listing.h>

#include <QDir>
#include <cerrno>

namespace shmtools {

namespace {

Result<std::vector<SegmentSummary>> summarise(std::vector<detail::UnreadSegment> *unread)
{
    auto listed = detail::listSegments(unread);
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

} // namespace

Result<std::vector<SegmentSummary>> listSegments()
{
    return summarise(nullptr);
}

Result<SegmentListing> listSegmentsWithUninspected()
{
    std::vector<detail::UnreadSegment> unread;
    auto listed = summarise(&unread);
    if (!listed)
        return listed.error();
    SegmentListing listing;
    listing.segments = std::move(*listed);
    const std::string here = QDir::tempPath().toStdString();
    for (const detail::UnreadSegment &segment : unread) {
        UninspectedSegment uninspected;
        uninspected.shmid = segment.shmid;
        uninspected.segmentSize = segment.size;
        uninspected.attachments = segment.attachments;
        uninspected.nativeKey = detail::segmentKeyFileWithKey(here, segment.key).value_or("");
        uninspected.problem = "cannot attach it to read its header (" + detail::attachFailureCause(segment.error) +
                              ")" + (segment.error == ENOMEM ? "; raise the limit (ulimit -v) to see it" : "");
        listing.uninspected.push_back(std::move(uninspected));
    }
    return listing;
}

Result<std::string> nativeKeyOf(const std::string &key)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    return names->segmentKeyFile;
}

} // namespace shmtools
