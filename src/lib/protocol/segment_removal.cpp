// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/segment_removal.h"

#include "format/segment_layout.h"
#include "protocol/holder.h"
#include "protocol/slot_protocol.h"
#include "protocol/segment_attach.h"
#include "protocol/segment_list.h"
#include "sys/key_file.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"
#include "sys/process_stop.h"

#include <algorithm>
#include <cstring>

namespace shmtools::detail {

using namespace layout;

namespace {

Error nothingThere(const IpcNames &names)
{
    return makeError(ErrorCode::NoSegment,
                     names.key + ": nothing to remove: no segment under this key (with TMPDIR " + names.tempDir + ")");
}

// What a live holder's header says about it, read from a copy: nullopt for an orphan.
struct Found {
    int shmid = -1;
    std::uint64_t attachments = 0;
    HeaderCheck check = HeaderCheck::Foreign;
    Participant holder{};
    FileId keyFile{}; ///< the segment key file the header was made for: where the holder's lock is
    pid_t creatorPid = 0;
};

// A live holder that nothing can reach under the key any more (its segment removed by
// ipcrm -m, or its key files removed): found through the list of segments, so that --remove,
// which the message about it advises, can stop it.
std::optional<Found> lookUnreachableHolder(const IpcNames &names)
{
    const auto holder = findLiveHolder(names);
    SegmentHeader copy{};
    if (!holder || holder->size < kHeaderSize || !copySegmentStart(holder->shmid, &copy, sizeof copy))
        return std::nullopt;
    Found found;
    found.shmid = holder->shmid;
    found.attachments = holder->attachments;
    found.check = checkHeader(copy, holder->size).check;
    found.holder = copy.holder;
    found.keyFile = copy.identity.segmentKeyFile;
    return found;
}

Result<Found> look(const IpcNames &names)
{
    auto mapped = mapSegment(names);
    if (!mapped) {
        if (mapped.error().code == ErrorCode::NoSegment && mapped.error().pid == 0)
            return nothingThere(names);
        if (mapped.error().code == ErrorCode::NoSegment)
            if (auto unreachable = lookUnreachableHolder(names))
                return *unreachable;
        return mapped.error();
    }
    Found found;
    found.shmid = mapped->status.shmid;
    found.attachments = mapped->status.attachments;
    found.creatorPid = mapped->status.creatorPid;
    SegmentHeader copy{};
    std::memcpy(&copy, mapped->mapping.data(), std::min<std::uint64_t>(sizeof copy, mapped->status.size));
    found.check = mapped->status.size >= kHeaderSize ? checkHeader(copy, mapped->status.size).check
                                                      : HeaderCheck::Foreign;
    found.holder = copy.holder;
    found.keyFile = copy.identity.segmentKeyFile;
    return found;
}

// The holder's OFD lock on its key file is its life (sys/participant_lock.h); its PID only
// addresses the signal.
bool holderRuns(const IpcNames &names, const Found &found)
{
    // Through the key file, else through the holder's anchor (a second link of the same file);
    // where both were removed (with TMPDIR), the holder still holds the removed file open, and
    // /proc shows the process holding its token on that inode.
    for (const std::string &where : {names.segmentKeyFile, anchorPathFor(names.segmentKeyFile)})
        if (auto alive = probeToken(where, found.keyFile, found.holder.token))
            return *alive;
    return processHoldingLock(found.keyFile, found.holder.token) != 0;
}

Result<Removal> stopHolder(const IpcNames &names, const Found &found, const Deadline &deadline)
{
    const pid_t pid = pidInOurNamespace(found.holder, pidNamespaceId());
    if (pid == 0)
        return makeError(ErrorCode::KeyHeld,
                         names.key + ": held by a running holder (" + describeParticipant(found.holder, pidNamespaceId()) +
                             ") that cannot be signalled from here; stop it from its own PID namespace "
                             "(container)",
                         Remedy::None);
    // Its lock alive, and held by the process at that PID (not by a child that inherited it
    // after the holder died, its PID since reused): where /proc cannot tell, the lock alone.
    const auto stillTheHolder = [&] {
        return holderRuns(names, found) &&
               processHoldsLock(pid, found.keyFile, found.holder.token).value_or(true);
    };
    if (auto stopped = stopProcess(pid, stillTheHolder, deadline); !stopped) {
        // A timeout of 0 asks not to wait: the holder has been signalled and removes everything
        // as it exits; that is the whole request, not a timeout.
        if (stopped.error().code == ErrorCode::TimedOut && deadline.seconds() == 0)
            return Removal{true, pid, found.shmid};
        Error error = stopped.error();
        error.message = error.code == ErrorCode::Interrupted
                            ? names.key + ": interrupted while waiting for its holder (PID " +
                                  std::to_string(pid) + ") to stop"
                            : names.key + ": the holder, " + error.message;
        return error;
    }
    return Removal{true, pid, found.shmid};
}

// A header overwritten (by a program writing into the segment) while our holder runs: the header
// no longer names it, but its mark on the key file does (ParticipantLock::markHolder), and /proc
// gives the process holding that mark. nullopt if no holder is marked; it is stopped otherwise.
Result<std::optional<Removal>> stopMarkedHolder(const IpcNames &names, const Found &found, const Deadline &deadline)
{
    auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment");
    if (!keyFile || !probeHolderMark(names.segmentKeyFile, keyFile->id).value_or(false))
        return std::optional<Removal>();
    const pid_t pid = processHoldingLock(keyFile->id, kHolderMark);
    if (pid == 0)
        return makeError(ErrorCode::KeyHeld,
                         names.key + ": segment " + std::to_string(found.shmid) +
                             " has an overwritten header, and its holder runs where it cannot be found or "
                             "signalled from here; stop it from its own PID namespace",
                         Remedy::None);
    const auto stillTheHolder = [&] { return probeHolderMark(names.segmentKeyFile, keyFile->id).value_or(false); };
    if (auto stopped = stopProcess(pid, stillTheHolder, deadline); !stopped && stopped.error().code != ErrorCode::NoSegment) {
        Error error = stopped.error();
        error.message = names.key + ": the holder, " + error.message;
        return error;
    }
    return std::optional<Removal>(Removal{true, pid, found.shmid});
}

Result<Removal> removeOrphan(const IpcNames &names, const Found &found, double timeout)
{
    auto adopted = Holder::start(names, HolderOptions{1, false, Seconds(timeout)});
    if (!adopted)
        return adopted.error();
    // Destroying the holder removes segment, semaphore and key files. One that created a new
    // segment (the orphan vanished in between) removes that again: nothing was there.
    const bool wasOrphan = (*adopted)->adopted();
    adopted->reset();
    if (!wasOrphan)
        return nothingThere(names);
    return Removal{false, found.holder.pid, found.shmid};
}

// A raw holder (shm-create --raw) has no header, but it made the segment and keeps its lock's
// descriptor of the segment key file open: its creator PID with that file open is one.
std::optional<Result<Removal>> stopRawHolder(const IpcNames &names, const Found &found, const Deadline &deadline)
{
    auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment");
    if (!keyFile || found.creatorPid <= 0 || !processHasFileOpen(found.creatorPid, keyFile->id))
        return std::nullopt;
    const FileId id = keyFile->id;
    const pid_t pid = found.creatorPid;
    auto stopped = stopProcess(pid, [&] { return processHasFileOpen(pid, id); }, deadline);
    if (stopped || stopped.error().code == ErrorCode::NoSegment ||
        (stopped.error().code == ErrorCode::TimedOut && deadline.seconds() == 0))
        return Result<Removal>(Removal{true, pid, found.shmid});
    Error error = stopped.error();
    error.message = names.key + ": the raw holder, " + error.message;
    return Result<Removal>(error);
}

} // namespace

Result<Removal> removeSegment(const IpcNames &names, double timeout)
{
    const Deadline deadline = Deadline::after(timeout);
    auto found = look(names);
    if (!found)
        return found.error();
    if (found->check == HeaderCheck::Foreign) {
        auto stopped = stopMarkedHolder(names, *found, deadline);
        if (!stopped)
            return stopped.error();
        if (*stopped)
            return **stopped;
    }
    if (found->check == HeaderCheck::Foreign)
        if (auto raw = stopRawHolder(names, *found, deadline))
            return *raw;
    if (found->check == HeaderCheck::Foreign)
        return makeError(ErrorCode::InvalidContent,
                         names.key + ": segment " + std::to_string(found->shmid) +
                             " is not a shm-tools segment (a plain Qt segment, or another program's); not removing it" +
                             (found->attachments > 0 ? "; stop the program using it"
                                                     : "; remove it with 'ipcrm -m " + std::to_string(found->shmid) +
                                                           "' if it is yours to remove"));
    // A corrupt header's stamp is not trusted with a signal: the adoption below refuses it.
    const bool readable = found->check == HeaderCheck::Valid || found->check == HeaderCheck::OtherVersion;
    if (readable && holderRuns(names, *found)) {
        auto stopped = stopHolder(names, *found, deadline);
        if (stopped || stopped.error().code != ErrorCode::NoSegment)
            return stopped;
        // Its process is gone, yet its lock is held: a child made without fork()'s handlers
        // (syscall(SYS_fork), clone()) inherited the descriptor (design.md, "What is not
        // guaranteed"). That child is not the holder: name it rather than signal it.
        if (holderRuns(names, *found)) {
            const pid_t child = processHoldingLock(found->keyFile, found->holder.token);
            return makeError(ErrorCode::KeyHeld,
                             names.key + ": its holder (PID " + std::to_string(found->holder.pid) +
                                 ") has exited, but its lock on the key file is still held" +
                                 (child ? " by PID " + std::to_string(child) : std::string()) +
                                 ", a process that inherited it without fork()'s handlers (syscall(SYS_fork), "
                                 "clone()); the segment stays until that process exits or closes it",
                             Remedy::None, child);
        }
        // A holder that exited on its own just before the signal leaves nothing behind.
        return Removal{true, found->holder.pid, found->shmid};
    }
    return removeOrphan(names, *found, timeout);
}

} // namespace shmtools::detail
