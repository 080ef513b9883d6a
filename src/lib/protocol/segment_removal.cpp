// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/segment_removal.h"

#include "protocol/key_collision.h"

#include "format/segment_layout.h"
#include "protocol/holder.h"
#include "protocol/holder_anchors.h"
#include "protocol/holder_liveness.h"
#include "protocol/slot_protocol.h"
#include "protocol/segment_attach.h"
#include "protocol/segment_list.h"
#include "sys/key_file.h"
#include "sys/kernel_limits.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"
#include "sys/process_stop.h"
#include "sys/semaphore.h"
#include "sys/shm_segment.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

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
    FileId semaphoreKeyFile{}; ///< the semaphore key file the header was made for
    int semid = -1; ///< the semaphore set under that key file's key when found, if any
    pid_t creatorPid = 0;
    std::uint32_t formatVersion = 0; ///< the header's
    /// The segment under the key file's System V key is another key's (an ftok collision), as
    /// may be the semaphore under the semaphore key file's: neither is this key's to remove.
    bool anotherKeys = false;
};

// The semaphore set under the key of `found`'s semaphore key file, now: asked once, when the
// segment is found, because the key is free for another set as soon as the key file is gone.
void noteSemaphore(Found &found)
{
    found.semid = semaphoreIdUnder(qtKeyOf(found.semaphoreKeyFile.device, found.semaphoreKeyFile.inode)).value_or(-1);
}

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
    found.formatVersion = copy.formatVersion;
    found.keyFile = copy.identity.segmentKeyFile;
    found.semaphoreKeyFile = copy.identity.semaphoreKeyFile;
    noteSemaphore(found);
    return found;
}

Result<Found> look(const IpcNames &names)
{
    auto mapped = mapSegment(names);
    if (!mapped) {
        if (mapped.error().code == ErrorCode::NoSegment && mapped.error().pid == 0)
            return nothingThere(names);
        // Refused for the key file itself (a FIFO or another user's file put in its place, which
        // is never opened), not for a segment: the holder behind it runs on, reached through the
        // list of segments like one whose key files were removed.
        const bool keyFileRefused = mapped.error().code == ErrorCode::Unsafe && !ownRegularFileAt(names.segmentKeyFile);
        if (mapped.error().code == ErrorCode::NoSegment || keyFileRefused)
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
    found.formatVersion = copy.formatVersion;
    found.keyFile = copy.identity.segmentKeyFile;
    found.semaphoreKeyFile = copy.identity.semaphoreKeyFile;
    noteSemaphore(found);
    if (const auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment"))
        found.anotherKeys = !liveHolderMark(names.segmentKeyFile, keyFile->id) &&
                            anotherKeyUses(names, KeyFileKind::Segment, *keyFile, recordedIdentities());
    return found;
}

// The holder's OFD lock on its key file is its life (holderLiveness); its PID only addresses
// the signal.
Liveness holderLivenessOf(const IpcNames &names, const Found &found)
{
    return holderLiveness({found.holder, found.keyFile, names.segmentKeyFile, found.formatVersion}).liveness;
}

Result<Removal> removeOrphan(const IpcNames &names, const Found &found, double timeout);
Result<Removal> removeRemains(const IpcNames &names, const Deadline &deadline, int anotherKeysShmid = -1);

// Whether a process runs at `pid` now, for a message: not whether the holder does.
bool processRuns(pid_t pid)
{
    return pid > 0 && ProcessIdentity::of(pid).pid != 0;
}

// Whether the segment `shmid` is still there for anyone to find (not marked for removal).
bool segmentRemains(int shmid, const IpcNames &names)
{
    auto status = statSegment(shmid, names);
    return status && !status->markedForRemoval;
}

std::string joined(const std::vector<std::string> &items)
{
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i)
        text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return text;
}

// An error's message without the "KEY: " it starts with: told as the cause of another one.
std::string causeOf(const IpcNames &names, const Error &error)
{
    const std::string prefix = names.key + ": ";
    return error.message.rfind(prefix, 0) == 0 ? error.message.substr(prefix.size()) : error.message;
}

// The files of a key's holder, each with the file (device and inode) that is its at that path.
using KeyFiles = std::vector<std::pair<std::string, FileId>>;

// A holder's: the two key files its header records, and its anchors, second links of the same.
KeyFiles keyFilesOf(const IpcNames &names, const Found &found)
{
    return {{names.segmentKeyFile, found.keyFile},
            {names.semaphoreKeyFile, found.semaphoreKeyFile},
            {anchorPathFor(names.segmentKeyFile), found.keyFile},
            {anchorPathFor(names.semaphoreKeyFile), found.semaphoreKeyFile}};
}

// The key files and anchors of ours at the key's paths, each with the file found there; none
// (inode 0) where there is none, so that what is there instead (a FIFO) is named by
// leftovers(), never removed.
KeyFiles ownKeyFilesAt(const IpcNames &names)
{
    KeyFiles files;
    for (const std::string &path : {names.segmentKeyFile, names.semaphoreKeyFile, anchorPathFor(names.segmentKeyFile),
                                    anchorPathFor(names.semaphoreKeyFile)})
        files.emplace_back(path, ownRegularFileAt(path).value_or(FileId{0, 0}));
    return files;
}

// What is left of the key's objects once its holder has exited (or our adoption removed them),
// each with why: `found`'s segment (none if its shmid is -1) and semaphore, and `files`. After a
// clean stop nothing is; where the holder could not remove its key files (a read-only or
// immutable TMPDIR) they are tried once more here, for the cause. Something else put in a key
// file's place (a FIFO) is not a key file: it stays, and is named. `removed` receives what is
// gone. Key files are removed here only once segment and semaphore are gone.
std::vector<std::string> leftovers(const IpcNames &names, const Found &found, const KeyFiles &files,
                                   std::vector<std::string> &removed)
{
    std::vector<std::string> left;
    const bool segmentLeft = found.shmid != -1 && segmentRemains(found.shmid, names);
    if (found.shmid != -1)
        (segmentLeft ? left : removed).push_back("segment " + std::to_string(found.shmid));
    // By id: another test's or program's set may have taken the key since (a reused inode).
    const bool semaphoreLeft = found.semid != -1 && semaphoreIdExists(found.semid);
    if (found.semid != -1) // none when found (RemoveIPC took it): neither removed nor left
        (semaphoreLeft ? left : removed).push_back(semaphoreLeft ? "its semaphore (semid " + std::to_string(found.semid) + ")"
                                                                 : std::string("its semaphore"));
    bool keyFilesGone = true;
    std::vector<std::string> unremovable; // names in TMPDIR, all failing with `cause`
    int cause = 0;
    for (const auto &[path, id] : files) {
        if (segmentLeft || semaphoreLeft) {
            if (isSameFile(path, id)) {
                left.push_back("the key file " + path);
                keyFilesGone = false;
            }
            continue;
        }
        const KeyFileRemoval removal = removeKeyFileReporting(path, id);
        using Outcome = KeyFileRemoval::Outcome;
        if (removal.outcome == Outcome::Failed && (cause == 0 || cause == removal.error)) {
            cause = removal.error;
            unremovable.push_back(path.substr(path.find_last_of('/') + 1));
            keyFilesGone = false;
        } else if (removal.outcome == Outcome::Failed) {
            left.push_back("the key file " + path + " (cannot be removed: " + std::strerror(removal.error) + ")");
            keyFilesGone = false;
        } else if (removal.outcome == Outcome::Foreign) {
            left.push_back(path + ", " + removal.what + " put in the key file's place (not removed: not a key file)");
            keyFilesGone = false;
        }
    }
    if (!unremovable.empty())
        left.insert(left.begin(), std::string(unremovable.size() == 1 ? "the key file " : "the key files ") +
                                      joined(unremovable) + " in " + names.tempDir + " (cannot be removed: " +
                                      std::strerror(cause) + ")");
    if (keyFilesGone)
        removed.push_back("its key files");
    return left;
}

// A removal checked against what is really gone: Failure naming what was removed, what remains
// and why, if anything remains. `files`: the holder's (keyFilesOf), or what removeRemains found.
Result<Removal> verified(const IpcNames &names, const Found &found, const KeyFiles &files, const Removal &removal)
{
    std::vector<std::string> removed;
    const std::vector<std::string> left = leftovers(names, found, files, removed);
    if (left.empty())
        return removal;
    const std::string pid = std::to_string(removal.holderPid);
    const std::string done =
        removal.holderStopped
            ? "stopped its holder (PID " + pid + ")" + (removed.empty() ? "" : ", which removed " + joined(removed))
        : removal.shmid == -1
            ? "no segment was left under the key" + (removed.empty() ? "" : "; removed " + joined(removed))
            : "its holder (PID " + pid + ") had died" + (removed.empty() ? "" : "; removed " + joined(removed));
    return makeError(ErrorCode::Failure,
                     names.key + ": " + done + ", but " + joined(left) + (left.size() == 1 && left[0].rfind("the key files ", 0) != 0 ? " remains" : " remain") +
                         "; remove what remains by hand once the cause is gone",
                     Remedy::None, removal.holderPid);
}

// The holder has exited: if it removed its segment, check what is left; if it died without
// (SIGKILLed while it was asked to stop, before it could clean up), its segment is an orphan
// now, and is removed as one.
Result<Removal> afterHolderExited(const IpcNames &names, const Found &found, pid_t pid, const Deadline &deadline)
{
    if (!segmentRemains(found.shmid, names)) {
        // Killed as it stopped (after its segment, before its semaphore and key files), it left
        // the rest of the key: removed as a dead holder's remains are. What cannot be removed
        // (a read-only TMPDIR) is named below, with the holder's stop as the context.
        if (auto remains = removeRemains(names, deadline);
            !remains && remains.error().code != ErrorCode::NoSegment && remains.error().code != ErrorCode::Failure)
            return remains.error();
        return verified(names, found, keyFilesOf(names, found), Removal{true, pid, found.shmid, found.semid});
    }
    const timespec left = deadline.remaining();
    const double seconds = deadline.isNever() ? deadline.seconds() : left.tv_sec + left.tv_nsec / 1e9;
    auto orphan = removeOrphan(names, found, seconds);
    if (!orphan) {
        Error error = orphan.error();
        error.message = names.key + ": its holder (PID " + std::to_string(pid) + ") exited without removing segment " +
                        std::to_string(found.shmid) + ", and removing that orphan failed: " + causeOf(names, error);
        return error;
    }
    return orphan;
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
    // Unknown is no signal: the PID may be another process's by now. A record of format 1 or 2
    // names its holder by PID and start time, which holderLiveness has checked already.
    const bool older = found.formatVersion != 0 && found.formatVersion < kFormatVersion;
    const auto stillTheHolder = [&] {
        return holderLivenessOf(names, found) == Liveness::Alive &&
               (older || processHoldsLock(pid, found.keyFile, found.holder.token).value_or(true));
    };
    if (auto stopped = stopProcess(pid, stillTheHolder, deadline); !stopped) {
        // A timeout of 0 asks not to wait: the holder has been signalled and removes everything
        // as it exits; that is the whole request, not a timeout.
        if (stopped.error().code == ErrorCode::TimedOut && deadline.seconds() == 0)
            return Removal{true, pid, found.shmid, found.semid};
        if (stopped.error().code == ErrorCode::NoSegment)
            return stopped.error(); // not signalled: the caller looks at what holds the lock now
        Error error = stopped.error();
        error.message = error.code == ErrorCode::Interrupted
                            ? names.key + ": interrupted while waiting for its holder (PID " +
                                  std::to_string(pid) + ") to stop"
                            : names.key + ": its holder, " + error.message;
        return error;
    }
    return afterHolderExited(names, found, pid, deadline);
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
    return std::optional<Removal>(Removal{true, pid, found.shmid, found.semid});
}

Result<Removal> removeOrphan(const IpcNames &names, const Found &found, double timeout)
{
    auto adopted = Holder::start(names, HolderOptions{1, false, Seconds(timeout)});
    if (!adopted) {
        // Its lock kept by another process (a Qt program that lock()s and stays) for longer than
        // -t: the orphan stays whole, and the message says so beside why.
        Error error = adopted.error();
        if (error.code == ErrorCode::TimedOut)
            error.message = names.key + ": the orphaned segment " + std::to_string(found.shmid) + " (its holder, PID " +
                            std::to_string(found.holder.pid) +
                            ", had died), its semaphore and key files remain: " + causeOf(names, error);
        return error;
    }
    // Destroying the holder removes segment, semaphore and key files. One that created a new
    // segment (the orphan vanished in between) removes that again: nothing was there.
    const bool wasOrphan = (*adopted)->adopted();
    adopted->reset();
    if (!wasOrphan)
        return nothingThere(names);
    return verified(names, found, keyFilesOf(names, found), Removal{false, found.holder.pid, found.shmid, found.semid});
}

// What a dead holder leaves once its segment is gone as well: killed (SIGKILL) while a Qt program
// was attached, whose last detach() then removed the segment and its key file, as Qt does (or
// ipcrm -m removed the orphan). Its semaphore, the other key file and the anchors stay, with no
// segment to adopt. They are removed as an orphan's would be: the semaphore under its lock (which
// a Qt program's create() takes too), after Semaphore::open's checks (this user's alone), while
// no segment is under the key; each file only if it is still the one found here. NoSegment if
// nothing of the key is there; TimedOut, naming what remains, if another process keeps the lock.
// Also what is left of a key whose key file's System V key another key's segment uses
// (`anotherKeysShmid`, left alone), and never a semaphore that is another key's.
Result<Removal> removeRemains(const IpcNames &names, const Deadline &deadline, int anotherKeysShmid)
{
    // A running holder's, whose segment went under it (a raw holder's, after ipcrm -m; a shm-tools
    // holder look() finds): not remains.
    if (runningHolderAnchors(names))
        return nothingThere(names);
    const std::string semaphoreAnchor = anchorPathFor(names.semaphoreKeyFile);
    const KeyFiles files = ownKeyFilesAt(names);
    if (std::all_of(files.begin(), files.end(), [](const auto &file) { return file.second.inode == 0; }))
        return nothingThere(names);
    Found remains; // no segment (shmid -1), only a semaphore if there is one
    // Under the semaphore key file's key; where only its anchor is left, the same file's.
    IpcNames semaphoreNames = names;
    if (!ownRegularFileAt(names.semaphoreKeyFile))
        semaphoreNames.semaphoreKeyFile = semaphoreAnchor;
    // Another key's semaphore under the same System V key is left to it; only the files go.
    const auto semaphoreKeyFile = keyFileAt(semaphoreNames.semaphoreKeyFile, names, "semaphore");
    const bool anotherKeysSemaphore =
        semaphoreKeyFile && anotherKeyUses(names, KeyFileKind::Semaphore, *semaphoreKeyFile, recordedIdentities());
    if (auto semaphore = anotherKeysSemaphore ? Result<Semaphore>(nothingThere(names)) : Semaphore::open(semaphoreNames)) {
        auto lock = semaphore->lock(deadline);
        if (!lock && lock.error().code != ErrorCode::NoSegment) {
            std::vector<std::string> left{"its semaphore (semid " + std::to_string(semaphore->id()) + ")"};
            for (const auto &[path, id] : files)
                if (id.inode != 0)
                    left.push_back(path.substr(path.find_last_of('/') + 1));
            Error error = lock.error();
            error.message = names.key + ": no segment is left under the key, but " + joined(left) + " in " +
                            names.tempDir + " remain: " + causeOf(names, error);
            return error;
        }
        if (lock) {
            // A segment made since look() (its maker held this lock while making it) is not remains.
            if (auto made = findSegment(names); made && *made != anotherKeysShmid)
                return makeError(ErrorCode::Failure,
                                 names.key + ": segment " + std::to_string(*made) +
                                     " was made under the key while what was left of it was being removed; "
                                     "nothing was removed",
                                 Remedy::RemoveAgain);
            remains.semid = semaphore->id();
            semaphore->remove(); // and with it the lock: waiters get EIDRM
        }
    } else if (semaphore.error().code != ErrorCode::NoSegment) {
        return semaphore.error(); // another user's, or open to others: refused (Unsafe)
    }
    return verified(names, remains, files, Removal{false, 0, -1, remains.semid});
}

// A segment whose creator was killed between shmget and writing its header: all zero, nobody
// attached. A holder's start removes such a segment under the lock
// (Holder::removeHalfMadeSegment) and makes its own, which going again leaves nothing of the
// key. Nothing if the segment is not one (a start refuses a foreign segment, and nothing is
// touched): the caller says what it is.
std::optional<Result<Removal>> removeHalfMade(const IpcNames &names, const Found &found, double timeout)
{
    if (found.attachments != 0)
        return std::nullopt;
    const KeyFiles files = ownKeyFilesAt(names);
    auto started = Holder::start(names, HolderOptions{1, false, Seconds(timeout)});
    if (!started)
        return std::nullopt;
    const bool adopted = (*started)->adopted();
    started->reset();
    if (adopted || segmentRemains(found.shmid, names))
        return std::nullopt;
    return verified(names, found, files, Removal{false, 0, found.shmid, found.semid});
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
        return Result<Removal>(Removal{true, pid, found.shmid, found.semid});
    Error error = stopped.error();
    error.message = names.key + ": the raw holder, " + error.message;
    return Result<Removal>(error);
}

} // namespace

Result<Removal> removeSegment(const IpcNames &names, double timeout)
{
    const Deadline deadline = Deadline::after(timeout);
    // Telling a holder from what holds its lock takes a pidfd, a key file and /proc entries at
    // once; where they cannot be opened the checks could only guess.
    if (auto room = requireDescriptors(names.key, 3, "check and stop its holder"); !room)
        return room.error();
    auto found = look(names);
    // No segment, and no holder that lost it: what else of the key is left, if anything.
    if (!found && found.error().code == ErrorCode::NoSegment && found.error().pid == 0)
        return removeRemains(names, deadline);
    if (!found)
        return found.error();
    if (found->anotherKeys)
        return removeRemains(names, deadline, found->shmid);
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
        if (auto halfMade = removeHalfMade(names, *found, timeout))
            return *halfMade;
    if (found->check == HeaderCheck::Foreign)
        return makeError(ErrorCode::InvalidContent,
                         names.key + ": segment " + std::to_string(found->shmid) +
                             " is not a shm-tools segment (a plain Qt segment, or another program's); not removing it" +
                             (found->attachments > 0 ? "; stop the program using it"
                                                     : "; remove it with 'ipcrm -m " + std::to_string(found->shmid) +
                                                           "' if it is yours to remove"));
    // A corrupt header's stamp is not trusted with a signal: the adoption below refuses it.
    const bool readable = found->check == HeaderCheck::Valid || found->check == HeaderCheck::OtherVersion;
    const Liveness liveness = readable ? holderLivenessOf(names, *found) : Liveness::Dead;
    // A holder that may live is neither adopted as an orphan nor signalled: refused, saying why.
    if (liveness == Liveness::Unknown)
        return makeError(ErrorCode::KeyHeld,
                         names.key + ": whether its holder (" + describeParticipant(found->holder, pidNamespaceId()) +
                             ") still runs cannot be told from here: its key files are gone or cannot be opened, "
                             "and /proc does not show the process holding its lock (another PID namespace, or a "
                             "process this one cannot inspect); segment " +
                             std::to_string(found->shmid) + " was not removed: stop its holder where it runs",
                         Remedy::None, pidInOurNamespace(found->holder, pidNamespaceId()));
    if (liveness == Liveness::Alive) {
        auto stopped = stopHolder(names, *found, deadline);
        if (stopped || stopped.error().code != ErrorCode::NoSegment)
            return stopped;
        const pid_t pid = pidInOurNamespace(found->holder, pidNamespaceId());
        if (holderLivenessOf(names, *found) == Liveness::Alive) {
            const pid_t other = processHoldingLock(found->keyFile, found->holder.token);
            // Its process is gone, yet its lock is held, and /proc shows the process that holds
            // it: a child made without fork()'s handlers (syscall(SYS_fork), clone()) inherited
            // the descriptor (design.md, "What is not guaranteed"). That child is not the
            // holder: name it rather than signal it.
            if (other != 0 && other != pid && !processRuns(pid))
                return makeError(ErrorCode::KeyHeld,
                                 names.key + ": its holder (PID " + std::to_string(found->holder.pid) +
                                     ") has exited, but its lock on the key file is still held by PID " +
                                     std::to_string(other) +
                                     ", a process that inherited it without fork()'s handlers (syscall(SYS_fork), "
                                     "clone()); the segment stays until that process exits or closes it",
                                 Remedy::None, other);
            // Anything else is what could not be told: say that, not a story.
            return makeError(ErrorCode::Failure,
                             names.key + ": its holder's lock on the key file is held, but whether PID " +
                                 std::to_string(pid) + " (" + (processRuns(pid) ? "running" : "gone") +
                                 ") is the process holding it cannot be told from here (its /proc entries "
                                 "cannot be read); not signalled: stop it with 'kill " +
                                 std::to_string(pid) + "' if it is the holder",
                             Remedy::None, pid);
        }
        // A holder that exited on its own just before the signal: check what it left.
        return afterHolderExited(names, *found, found->holder.pid, deadline);
    }
    return removeOrphan(names, *found, timeout);
}

} // namespace shmtools::detail
