// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/segment_list.h"

#include "format/checksum.h"
#include "protocol/holder_liveness.h"
#include "protocol/slot_protocol.h"
#include "sys/key_file.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"
#include "sys/sysv.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shmtools::detail {

using namespace layout;

namespace {

// Where the segment key file of `key` is in the directory `tempDir`; nullopt for a key that has
// none (Usage). A key recorded shortened leads to another key's file, which the callers' checks
// of its identity refuse.
std::optional<std::string> segmentKeyFileIn(const std::string &tempDir, const std::string &key)
{
    auto names = ipcNamesFor(key);
    if (!names)
        return std::nullopt;
    const std::string &file = names->segmentKeyFile;
    return tempDir + file.substr(file.find_last_of('/'));
}

// A listing reaches the holder's lock from the key and TMPDIR its header records
// (holderLiveness). Where that cannot tell (the key files gone and the holder's process not
// shown by /proc: another PID namespace), what remains is that a live holder is always
// attached: a listing shows such a segment as alive while anything is attached to it, and
// --remove refuses it rather than adopt it. Readers stay attached to a segment marked for
// removal while they drain it after its holder stopped: there, attachments say nothing.
bool holderAlive(const SegmentHeader &copy, const SegmentStatus &status)
{
    const std::string key = text(copy.identity.key, sizeof copy.identity.key);
    const std::string tempDir = text(copy.identity.tempDir, sizeof copy.identity.tempDir);
    const HolderRecord record{copy.holder, copy.identity.segmentKeyFile,
                              segmentKeyFileIn(tempDir, key).value_or(std::string()), copy.formatVersion};
    switch (holderLiveness(record).liveness) {
    case Liveness::Alive: return true;
    case Liveness::Dead: return false;
    case Liveness::Unknown: return !status.markedForRemoval && status.attachments > 0;
    }
    return false;
}

// The segment of `row` as its header describes it; nullopt for one that is not listed, or not
// readable here (then in `unread`, if given, unless it is gone or marked for removal).
std::optional<ListedSegment> describe(const SegmentTableRow &row, std::vector<UnreadSegment> *unread)
{
    const int shmid = row.shmid;
    const IpcNames anonymous{"(listing)", {}, {}, {}};
    auto status = statSegment(shmid, anonymous);
    if (!status || !requireOwnedSegment(*status, anonymous) || status->size < kHeaderSize)
        return std::nullopt;
    SegmentHeader copy;
    int error = 0;
    if (!copySegmentStart(shmid, &copy, sizeof copy, &error)) { // rule 2: into a copy, validated below
        if (unread && error != EINVAL && error != EIDRM && !status->markedForRemoval)
            unread->push_back({shmid, row.key, status->size, status->attachments, error});
        return std::nullopt;
    }
    if (checkHeader(copy, status->size).check != HeaderCheck::Valid)
        return std::nullopt;
    ListedSegment listed;
    listed.shmid = shmid;
    listed.size = status->size;
    listed.key = text(copy.identity.key, sizeof copy.identity.key);
    listed.tempDir = text(copy.identity.tempDir, sizeof copy.identity.tempDir);
    listed.attachments = status->attachments;
    listed.capacity = copy.capacity;
    const VersionInfo latest = latestVersion(copy);
    listed.generation = latest.generation;
    listed.length = latest.length;
    listed.holderPid = pidInOurNamespace(copy.holder, pidNamespaceId());
    listed.holderToken = copy.holder.token;
    listed.holderAlive = holderAlive(copy, *status);
    // A segment marked for removal is reached by no key any more. Its holder stopped (a stopping
    // holder marks it first) and readers still drain it: it holds the key for nobody, a new holder
    // may start, and it is not listed. Or someone removed it (ipcrm -m) under a running holder:
    // listed, so that the tools can say so and --remove can stop that holder.
    if (status->markedForRemoval && !listed.holderAlive)
        return std::nullopt;
    listed.identity = copy.identity;
    return listed;
}

} // namespace

Result<std::vector<ListedSegment>> listSegments(std::vector<UnreadSegment> *unread)
{
    const auto table = segmentTable();
    if (!table)
        return makeError(ErrorCode::Failure, "cannot read /proc/sysvipc/shm to list the segments");
    std::vector<ListedSegment> listed;
    for (const SegmentTableRow &row : *table)
        if (auto segment = describe(row, unread))
            listed.push_back(std::move(*segment));
    std::sort(listed.begin(), listed.end(), [](const auto &a, const auto &b) { return a.shmid < b.shmid; });
    if (unread)
        std::sort(unread->begin(), unread->end(), [](const auto &a, const auto &b) { return a.shmid < b.shmid; });
    return listed;
}

bool madeIn(const ListedSegment &segment, const std::string &tempDir)
{
    const FileId &keyFile = segment.identity.segmentKeyFile;
    if (const auto path = segmentKeyFileIn(tempDir, segment.key);
        path && (isSameFile(*path, keyFile) || isSameFile(anchorPathFor(*path), keyFile)))
        return true;
    if (segment.identity.tempDirHash != Checksum::of(tempDir.data(), tempDir.size()))
        return false;
    // The same path, and no key file of it there: our key files (and their anchors) removed
    // under the holder, or another directory mounted at this path for the holder (a service's
    // PrivateTmp, a container's own /tmp: its mount namespace). Only the live holder's root tells
    // them apart, where it can be seen (same PID namespace or below, our own process); the path
    // alone proves nothing, and a segment that cannot be shown to be in our directory is not
    // ours: no process here reaches it by its key anyway (its key file is gone from here).
    if (!segment.holderAlive)
        return false;
    pid_t holder = segment.holderPid;
    if (holder <= 0 || !processHoldsLock(holder, keyFile, segment.holderToken).value_or(false))
        holder = processHoldingLock(keyFile, segment.holderToken);
    const auto theirs = directorySeenBy(holder, segment.tempDir);
    const auto ours = directoryAt(tempDir);
    return theirs && ours && theirs->device == ours->device && theirs->inode == ours->inode;
}

std::optional<ListedSegment> findLiveHolder(const IpcNames &names)
{
    auto listed = listSegments();
    if (!listed)
        return std::nullopt;
    const std::uint64_t keyHash = Checksum::of(names.key.data(), names.key.size());
    for (ListedSegment &segment : *listed)
        if (segment.holderAlive && segment.identity.keyHash == keyHash && madeIn(segment, names.tempDir))
            return std::move(segment);
    return std::nullopt;
}

std::vector<layout::KeyIdentity> recordedIdentities()
{
    std::vector<layout::KeyIdentity> identities;
    if (auto segments = listSegments())
        for (const ListedSegment &segment : *segments)
            identities.push_back(segment.identity);
    return identities;
}

} // namespace shmtools::detail
