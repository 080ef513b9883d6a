// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/segment_attach.h"

#include "format/checksum.h"
#include "protocol/holder_anchors.h"
#include "protocol/holder_liveness.h"
#include "protocol/slot_protocol.h"
#include "protocol/segment_list.h"
#include "base/size_text.h"
#include "sys/futex.h"
#include "sys/key_file.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"

#include <algorithm>

#include <cstring>

namespace shmtools::detail {

using namespace layout;

namespace {

// No segment under the key here, yet a live holder marks its key file (the mark a second
// shm-create is refused by): one in another IPC namespace sharing this TMPDIR (a container
// without --ipc=host and a shared /tmp), whose segment no process here can reach. Said so, rather
// than "start one with shm-create", which would be refused. A holder seen in our IPC namespace
// (a raw one whose segment was removed: the listing finds no header to name it) is not that.
Error withHolderElsewhere(const IpcNames &names, const Error &error)
{
    const auto keyFile = ownRegularFileAt(names.segmentKeyFile);
    if (!keyFile)
        return error;
    const auto mark = liveHolderMark(names.segmentKeyFile, *keyFile);
    if (!mark)
        return error;
    const pid_t pid = processHoldingLock(*keyFile, *mark);
    if (sharesIpcNamespace(pid).value_or(false))
        return error;
    return makeError(ErrorCode::NoSegment,
                     names.key + ": its segment is held by a running " + (*mark == kRawHolderMark ? "raw " : "") +
                         "holder (PID " + (pid > 0 ? std::to_string(pid) : std::string("not visible here")) +
                         ") in another IPC namespace that shares the key files in " + names.tempDir +
                         " (a container with an IPC namespace of its own), which this process cannot reach",
                     Remedy::JoinHolderIpcNamespace, pid);
}

// When a tool finds no key file or no semaphore, a holder may still run for the key: say so,
// with its PID, rather than "no such segment".
Error withLiveHolder(const IpcNames &names, const Error &error)
{
    if (error.code != ErrorCode::NoSegment)
        return error;
    const auto holder = findLiveHolder(names);
    if (!holder)
        return withHolderElsewhere(names, error);
    // ipcrm -m under a live holder: the key files are there, the segment is what went.
    if (const auto status = statSegment(holder->shmid, names); status && status->markedForRemoval)
        return makeError(ErrorCode::NoSegment,
                         names.key + ": its segment " + std::to_string(holder->shmid) +
                             " was removed (ipcrm -m, or another program) while its holder (PID " +
                             std::to_string(holder->holderPid) +
                             ") still runs, so nothing new can reach it; the key files are still there",
                         Remedy::RestartHolder, holder->holderPid);
    // A key file gone without an anchor of it (the holder could not make one, or TMPDIR went
    // with it) is not being restored, and cannot be: its SysV key went with its inode.
    bool unanchored = false;
    for (const std::string &path : {names.segmentKeyFile, names.semaphoreKeyFile})
        unanchored = unanchored || (!ownRegularFileAt(path) && !ownRegularFileAt(anchorPathFor(path)));
    return makeError(ErrorCode::NoSegment,
                     names.key + ": the key files in " + names.tempDir + " were removed while its holder (PID " +
                         std::to_string(holder->holderPid) + ", segment " + std::to_string(holder->shmid) +
                         ") runs, so nothing can reach its segment" +
                         (unanchored ? "; the holder has no anchor (second link) of them to restore them from, so "
                                       "they cannot come back under the same System V key"
                                     : ""),
                     Remedy::RestartHolder, holder->holderPid);
}

} // namespace

KeyIdentity keyIdentityOf(const IpcNames &names, const FileId &segmentKeyFile, const FileId &semaphoreKeyFile)
{
    KeyIdentity identity{};
    identity.segmentKeyFile = segmentKeyFile;
    identity.semaphoreKeyFile = semaphoreKeyFile;
    identity.keyHash = Checksum::of(names.key.data(), names.key.size());
    identity.tempDirHash = Checksum::of(names.tempDir.data(), names.tempDir.size());
    setText(identity.key, sizeof identity.key, names.key);
    setText(identity.tempDir, sizeof identity.tempDir, names.tempDir);
    return identity;
}

Result<MappedSegment> mapSegment(const IpcNames &names)
{
    auto shmid = findSegment(names);
    if (!shmid)
        return withLiveHolder(names, shmid.error());
    auto status = statSegment(*shmid, names);
    if (!status)
        return status.error();
    if (auto owned = requireOwnedSegment(*status, names); !owned)
        return owned.error();
    auto mapping = SegmentMapping::attach(*shmid, status->size, names);
    if (!mapping)
        return mapping.error();
    return MappedSegment{*status, std::move(*mapping)};
}

namespace {

// How often a tool looks whether the holder has restored its key files or semaphore: they come
// back within about a second (Holder::kHousekeepingPeriod), so a few dozen looks at most.
constexpr double kRepairPollSeconds = 0.02;

enum class AttachStep { Done, AwaitRepair };

// One attempt. AwaitRepair (and no segment) when a running holder is about to restore what is
// missing: the key files (not in place: removed or replaced), or a raw segment's semaphore.
Result<AttachedSegment> attachOnce(const IpcNames &names, AttachStep *step)
{
    *step = AttachStep::Done;
    if (keyFilesUnderRepair(names)) {
        *step = AttachStep::AwaitRepair;
        return makeError(ErrorCode::NoSegment, names.key + ": its key files are being restored");
    }
    auto mapped = mapSegment(names);
    if (!mapped)
        return mapped.error();
    auto segmentKeyFile = keyFileAt(names.segmentKeyFile, names, "segment");
    if (!segmentKeyFile)
        return withLiveHolder(names, segmentKeyFile.error());
    auto semaphoreKeyFile = keyFileAt(names.semaphoreKeyFile, names, "semaphore");
    if (!semaphoreKeyFile)
        return withLiveHolder(names, semaphoreKeyFile.error());
    auto semaphore = Semaphore::open(names);
    if (!semaphore) {
        if (semaphore.error().code != ErrorCode::NoSegment)
            return semaphore.error();
        // Missing while the holder (a validated copy of the header, read without the lock) runs:
        // removed by RemoveIPC at logout, a Qt program's failed create() or by hand, and the
        // holder makes it again within about a second. Attach with a stand-in; the first lock
        // waits for the new one, bounded by the operation's timeout (SlotProtocol::lockFor).
        // A raw segment has no header to wait on: its holder is found by its mark.
        SegmentHeader copy;
        std::memcpy(&copy, mapped->mapping.data(), std::min<std::size_t>(sizeof copy, mapped->status.size));
        if (mapped->status.size < kHeaderSize || checkHeader(copy, mapped->status.size).check != HeaderCheck::Valid) {
            if (runningHolderAnchors(names))
                *step = AttachStep::AwaitRepair;
            return semaphore.error();
        }
        // Unknown counts as not running: a holder that cannot be seen restores nothing we could
        // wait for, and the missing semaphore is said at once rather than at the timeout.
        const HolderRecord record{copy.holder, segmentKeyFile->id, names.segmentKeyFile, copy.formatVersion};
        if (holderLiveness(record).liveness != Liveness::Alive)
            return semaphore.error();
        semaphore = Semaphore::missing(names);
    }
    // Last, so that the steps before (which open and close files of their own) never find the
    // descriptor limit taken by it: at RLIMIT_NOFILE=4 a participant still gets its one.
    auto participant = ParticipantLock::take(names.segmentKeyFile, segmentKeyFile->id, names.key);
    if (!participant)
        return participant.error();
    // Replaced meanwhile (after the look above): what we opened may not be the holder's files.
    if (keyFilesUnderRepair(names)) {
        *step = AttachStep::AwaitRepair;
        return makeError(ErrorCode::NoSegment, names.key + ": its key files are being restored");
    }
    const KeyIdentity identity = keyIdentityOf(names, segmentKeyFile->id, semaphoreKeyFile->id);
    return AttachedSegment{mapped->status, std::move(mapped->mapping), std::move(*semaphore), identity,
                           std::move(*participant)};
}

Error notRestoredInTime(const IpcNames &names, const Deadline &deadline)
{
    const auto anchors = runningHolderAnchors(names);
    const pid_t pid = anchors ? anchors->holderPid() : 0;
    const std::string holder = pid ? "its holder (PID " + std::to_string(pid) + ")" : std::string("its holder");
    const bool keyFiles = anchors && !anchors->inPlace(names);
    return makeError(ErrorCode::NoSegment,
                     names.key + ": " +
                         (keyFiles ? "its key files in " + names.tempDir + " were" : "its semaphore was") +
                         " removed or replaced (a Qt program's failed create(), systemd-logind's RemoveIPC, a cleaner "
                         "of old files, or by hand) while " +
                         holder + " runs, and the holder did not restore " + (keyFiles ? "them" : "it") + " within " +
                         formatSeconds(deadline.seconds()) + " s",
                     Remedy::RaiseTimeout, pid);
}

} // namespace

Result<AttachedSegment> attachSegment(const IpcNames &names, const Deadline &deadline)
{
    // A private word to sleep on: an interruptible sleep that a signal ends at once.
    std::uint32_t sleeper = 0;
    for (;;) {
        AttachStep step = AttachStep::Done;
        auto attached = attachOnce(names, &step);
        if (step == AttachStep::Done)
            return attached;
        double nap = kRepairPollSeconds;
        if (!deadline.isNever()) {
            const timespec left = deadline.remaining();
            if (left.tv_sec == 0 && left.tv_nsec == 0)
                return notRestoredInTime(names, deadline);
            nap = std::min(nap, static_cast<double>(left.tv_sec) + static_cast<double>(left.tv_nsec) / 1e9);
        }
        if (waitWhileEqual(&sleeper, 0, Deadline::after(nap)) == WaitOutcome::Interrupted)
            return makeError(ErrorCode::Interrupted,
                             names.key + ": interrupted while waiting for its holder to restore its key files");
    }
}

} // namespace shmtools::detail
