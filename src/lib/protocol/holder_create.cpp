// SPDX-License-Identifier: BSD-3-Clause
// Holder::start and Holder::create: check the size against the kernel's limits, make the key
// files and semaphore, and decide under the lock whether this holder creates the segment or
// adopts the orphan under the key.
#include "protocol/holder.h"

#include "protocol/holder_anchors.h"
#include "sys/kernel_limits.h"
#include "sys/participant_lock.h"
#include "sys/key_file.h"
#include "protocol/segment_attach.h"
#include "protocol/sysv_holder_os.h"

#include <cerrno>
#include <cstring>
#include <tuple>
#include <utility>

namespace shmtools::detail {

using namespace layout;

namespace {

// How a holder seen only through its lock on the key file (no header to read) is named.
std::string runningHolder(pid_t pid)
{
    return "a running holder (PID " + (pid ? std::to_string(pid) : std::string("unknown here")) + ")";
}

// A live holder marked on these key files while no segment is under their key here.
std::string unseenHolder(pid_t pid, const IpcNames &names)
{
    return runningHolder(pid) + " that uses its key files in " + names.tempDir +
           " but whose segment this IPC namespace cannot see: it runs in another IPC namespace (a container "
           "sharing TMPDIR), or its segment was removed";
}

} // namespace

Error Holder::heldBy(const IpcNames &names, const std::string &who, pid_t pid)
{
    return makeError(ErrorCode::KeyHeld, names.key + ": held by " + who, Remedy::StopHolderOrChooseAnotherKey, pid);
}

Holder::Holder(IpcNames names, const HolderOptions &options, std::unique_ptr<HolderOs> os)
    : m_names(std::move(names)), m_options(options), m_system(std::move(os))
{
}

Result<std::unique_ptr<Holder>> Holder::start(const IpcNames &names, const HolderOptions &options)
{
    return start(names, options, std::make_unique<SysvHolderOs>());
}

Result<std::unique_ptr<Holder>> Holder::start(const IpcNames &names, const HolderOptions &options,
                                              std::unique_ptr<HolderOs> os)
{
    if (options.capacity == 0)
        return makeError(ErrorCode::Usage, names.key + ": the capacity must be at least one byte");
    const auto segmentSize =
        options.raw ? std::optional<std::uint64_t>(options.capacity) : segmentSizeFor(options.capacity);
    if (auto fits = checkKernelLimits(names.key, options.capacity, segmentSize); !fits)
        return fits.error();

    // Another user's entry where the anchors go is refused before anything is made: the holder
    // could not keep its key files restorable, and must not remove what is not its own.
    for (const std::string &path : {names.segmentKeyFile, names.semaphoreKeyFile})
        if (auto place = checkAnchorPlace(anchorPathFor(path), names); !place)
            return place.error();
    std::unique_ptr<Holder> holder(new Holder(names, options, std::move(os)));
    if (auto created = holder->create(*segmentSize); !created)
        return created.error();
    holder->anchorKeyFiles();
    // The key's holder from now on: found through the key file even if its header is overwritten,
    // and through its anchor while its key files are being restored. A raw holder's mark is
    // another byte: its segment has no header to lose, and tools rightly say "use --raw".
    if (!holder->m_system->markHolder(options.raw))
        // Taken meanwhile by a holder that started at the same time in another IPC namespace
        // (in ours, shmget's IPC_EXCL picks one): the first to mark keeps the key files. This
        // one's segment and semaphore go; the key files and anchors stay that holder's.
        if (const auto mark = liveHolderMark(names.segmentKeyFile, holder->m_identity.segmentKeyFile)) {
            holder->m_keyFilesOfAnother = true;
            const pid_t pid = processHoldingLock(holder->m_identity.segmentKeyFile, *mark);
            return heldBy(names, unseenHolder(pid, names), pid);
        }
    return holder;
}

std::array<Holder::OwnKeyFile, 2> Holder::ownKeyFiles()
{
    return {OwnKeyFile{m_names.segmentKeyFile, m_identity.segmentKeyFile, m_segmentAnchorMissing},
            OwnKeyFile{m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile, m_semaphoreAnchorMissing}};
}

// Second hard links of both key files, so that housekeeping can bring back a removed key file
// under its inode (its SysV key). Without them the holder still runs and says so once; its
// housekeeping calls this again every second while one is missing (a TMPDIR full at start may
// have room later), for each key file still in place: a removed one has no inode left to link.
void Holder::anchorKeyFiles()
{
    m_anchorProblem.clear();
    for (const OwnKeyFile &file : ownKeyFiles()) {
        if (!m_anchorsTried || (!file.anchorMissing.empty() && isSameFile(file.path, file.id))) {
            if (auto anchored = makeAnchor(file.path, file.id, anchorPathFor(file.path), m_names); !anchored) {
                const std::string &message = anchored.error().message;
                const std::string prefix = m_names.key + ": ";
                file.anchorMissing = message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
            } else {
                file.anchorMissing.clear();
            }
        }
        if (m_anchorProblem.empty())
            m_anchorProblem = file.anchorMissing;
    }
    m_anchorsTried = true;
}

// A key file removed while this start uses it, before it is anchored (a Qt program's create()
// racing it removes the key file it made when it gives up; a cleaner) is a race the holder
// wins: what this attempt made goes, and it starts again. NoSegment from a start means just that
// (a holder makes what it needs; nothing is missing otherwise), and is never what a start ends
// with: a creator that cannot get its key files to stay is a failure with that cause.
Status Holder::create(std::uint64_t segmentSize)
{
    constexpr int kAttempts = 10;
    bool collisionRetried = false;
    for (int attempt = 1;; ++attempt) {
        m_madeSegmentKeyFile = m_madeSemaphoreKeyFile = m_madeSemaphore = false;
        m_madeSegmentAnchor = m_madeSemaphoreAnchor = false;
        m_protocolOs = nullptr;
        m_os = nullptr;
        auto made = createUnderLock(segmentSize);
        if (made || m_shmid != -1)
            return made;
        // Refused for another key's segment that a colliding key's start made meanwhile: a race
        // this start wins with a new key file, as one lost to a removed key file.
        // Once: a key file that cannot be replaced keeps its refusal.
        const bool collided =
            !collisionRetried && made.error().code == ErrorCode::Unsafe && segmentKeyFileMeetsAnotherKey();
        collisionRetried = collisionRetried || collided;
        discardWhatWasMade();
        if (made.error().code != ErrorCode::NoSegment && !collided)
            return made;
        if (attempt == kAttempts)
            return makeError(ErrorCode::Failure,
                             m_names.key + ": its key files (in " + m_names.tempDir +
                                 ") or its semaphore were removed " + std::to_string(kAttempts) +
                                 " times while it started: something keeps removing them (a Qt program's create() "
                                 "in a loop, a cleaner); stop it and start again");
    }
}

// Anchored as soon as both key files are in place, before anything is made under their keys:
// from then on a removed key file comes back from its anchor under its inode (its SysV key).
// One removed before its anchor could be made is a lost race (NoSegment: create() starts
// again). Other failures to anchor (TMPDIR full) are anchorKeyFiles' to report after the start.
Status Holder::anchorWhileStarting()
{
    for (const auto &[path, id, made] :
         {std::tuple{m_names.segmentKeyFile, m_identity.segmentKeyFile, &m_madeSegmentAnchor},
          std::tuple{m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile, &m_madeSemaphoreAnchor}}) {
        const std::string anchor = anchorPathFor(path);
        const bool there = isSameFile(anchor, id);
        if (makeAnchor(path, id, anchor, m_names))
            *made = !there;
        else if (!isSameFile(path, id))
            return makeError(ErrorCode::NoSegment, m_names.key + ": the key file " + path +
                                                      " was removed before it could be anchored");
    }
    return {};
}

// What this start made for a segment it then did not get (a refused start, a kernel limit)
// goes again, unless a segment now exists under the key: then it is that segment's. Not so while
// a running holder's key files are being restored: what this start made in their place is no
// holder's (its anchors name other files), and left there it would keep the holder from
// restoring its own.
void Holder::discardWhatWasMade()
{
    if (const auto anchors = runningHolderAnchors(m_names)) {
        const auto anchored = [](const std::optional<FileIdentity> &anchor, const FileIdentity &id) {
            return anchor && anchor->device == id.device && anchor->inode == id.inode;
        };
        if (m_madeSemaphore && !anchored(anchors->semaphoreKeyFile, m_identity.semaphoreKeyFile))
            m_system->removeSemaphore(); // under a key file this start made, which no holder uses
        if (m_madeSegmentKeyFile && !anchored(anchors->segmentKeyFile, m_identity.segmentKeyFile))
            removeKeyFileIf(m_names.segmentKeyFile, m_identity.segmentKeyFile);
        if (m_madeSemaphoreKeyFile && !anchored(anchors->semaphoreKeyFile, m_identity.semaphoreKeyFile))
            removeKeyFileIf(m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile);
        return;
    }
    // Anchors this start made are its own, whoever's the key files and the segment are.
    if (m_madeSegmentAnchor)
        removeKeyFileIf(anchorPathFor(m_names.segmentKeyFile), m_identity.segmentKeyFile);
    if (m_madeSemaphoreAnchor)
        removeKeyFileIf(anchorPathFor(m_names.semaphoreKeyFile), m_identity.semaphoreKeyFile);
    if (m_system->findSegment(m_names))
        return;
    if (m_madeSemaphore) {
        // Under the lock, so that a racing start that is about to make the segment keeps it.
        if (m_protocolOs && m_protocolOs->lock(Deadline::after(0.1))) {
            const bool none = !m_system->findSegment(m_names);
            m_protocolOs->unlock();
            if (none)
                m_system->removeSemaphore();
        } else {
            // Without the lock (an interrupt ends its wait at once; or this start never got as
            // far as participating): one nobody has ever taken is no racing start's, and left
            // here it would stay for good (value 1, never operated, its key file gone).
            m_system->removeSemaphoreIfNeverUsed();
        }
    }
    if (m_madeSegmentKeyFile)
        removeKeyFileIf(m_names.segmentKeyFile, m_identity.segmentKeyFile);
    if (m_madeSemaphoreKeyFile)
        removeKeyFileIf(m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile);
}

Error Holder::restoringKeyFiles(const IpcNames &names, pid_t pid)
{
    return heldBy(names,
                  runningHolder(pid) + " whose key files in " + names.tempDir +
                      " were removed or replaced (a Qt program's failed create(), systemd-logind's RemoveIPC, or by "
                      "hand) and are being restored by it",
                  pid);
}

Status Holder::createUnderLock(std::uint64_t segmentSize)
{
    // In the second after a Qt program's failed create() (or a cleaner) removed a running
    // holder's key files, before it restores them: key files or a semaphore made here now would
    // be other files under other System V keys, in its way. Found through its anchors.
    if (const auto repair = keyFilesUnderRepair(m_names))
        return restoringKeyFiles(m_names, repair->holderPid());
    auto segmentKeyFile = ensureKeyFile(m_names.segmentKeyFile, m_names, "segment", &m_madeSegmentKeyFile);
    if (!segmentKeyFile)
        return segmentKeyFile.error();
    // Key files a running holder marks are its own (in another IPC namespace, say): never replaced.
    const bool replaceable =
        m_madeSegmentKeyFile || !liveHolderMark(m_names.segmentKeyFile, segmentKeyFile->id).has_value();
    segmentKeyFile =
        clearOfOtherKeys(m_names.segmentKeyFile, *segmentKeyFile, false, replaceable, &m_madeSegmentKeyFile);
    if (!segmentKeyFile)
        return segmentKeyFile.error();
    m_identity.segmentKeyFile = segmentKeyFile->id;
    // Someone else's segment under the key is refused before anything is made or opened.
    if (auto existing = m_system->findSegment(m_names)) {
        auto status = m_system->statSegment(*existing, m_names);
        if (!status)
            return status.error();
        if (auto owned = requireOwnedSegment(*status, m_names); !owned)
            return owned.error();
    } else if (existing.error().code == ErrorCode::Unsafe) {
        return existing.error();
    } else if (existing.error().code == ErrorCode::NoSegment) {
        // No segment under the key here, yet a live holder marks these key files: it runs in
        // another IPC namespace sharing this TMPDIR (a container with its own IPC namespace and
        // a shared /tmp), or its segment was removed. Starting here would use its key files and
        // anchors, and remove them when stopping, cutting it off from its own readers.
        if (const auto mark = liveHolderMark(m_names.segmentKeyFile, segmentKeyFile->id)) {
            const pid_t pid = processHoldingLock(segmentKeyFile->id, *mark);
            return heldBy(m_names, unseenHolder(pid, m_names), pid);
        }
    }
    auto semaphoreKeyFile =
        ensureKeyFile(m_names.semaphoreKeyFile, m_names, "semaphore", &m_madeSemaphoreKeyFile);
    if (!semaphoreKeyFile)
        return semaphoreKeyFile.error();
    semaphoreKeyFile =
        clearOfOtherKeys(m_names.semaphoreKeyFile, *semaphoreKeyFile, true, replaceable, &m_madeSemaphoreKeyFile);
    if (!semaphoreKeyFile)
        return semaphoreKeyFile.error();
    m_identity.semaphoreKeyFile = semaphoreKeyFile->id;
    // Removed between the look above and making them: what this start made is not the holder's.
    if (m_madeSegmentKeyFile || m_madeSemaphoreKeyFile)
        if (const auto repair = keyFilesUnderRepair(m_names))
            return restoringKeyFiles(m_names, repair->holderPid());
    if (auto anchored = anchorWhileStarting(); !anchored)
        return anchored.error();
    if (auto semaphore = m_system->openSemaphore(m_names, *semaphoreKeyFile, &m_madeSemaphore); !semaphore)
        return semaphore.error();
    m_identity = keyIdentityOf(m_names, segmentKeyFile->id, semaphoreKeyFile->id);
    // A holder whose key files were removed (and are now new files, with another SysV key)
    // still holds the key: a second one would split loaders and readers between two segments.
    if (const auto other = m_system->findLiveHolder(m_names);
        other && (other->identity.segmentKeyFile.inode != m_identity.segmentKeyFile.inode ||
                  other->identity.segmentKeyFile.device != m_identity.segmentKeyFile.device)) {
        if (m_madeSemaphore)
            m_system->removeSemaphore(); // made by this start, for a segment it will not make
        return heldBy(m_names,
                      "a running holder (PID " + std::to_string(other->holderPid) + ", segment " +
                          std::to_string(other->shmid) + "), whose key files in " + m_names.tempDir + " were removed",
                      other->holderPid);
    }
    // The holder is a participant too: its record in the header names this lock.
    auto participant = m_system->participate(m_names, *segmentKeyFile);
    if (!participant) {
        if (m_madeSemaphore)
            m_system->removeSemaphore(); // made by this start, for a segment it will not make
        if (!isSameFile(m_names.segmentKeyFile, segmentKeyFile->id))
            return makeError(ErrorCode::NoSegment, participant.error().message); // a lost race: again
        return participant.error();
    }
    m_protocolOs = *participant;
    m_os = dynamic_cast<SysvProtocolOs *>(m_protocolOs);

    NewSegment made;
    {
        // The lock orders creators and adopters; shmget(IPC_EXCL) picks the one creator.
        if (auto locked = m_protocolOs->lock(Deadline::after(m_options.lockTimeout.count())); !locked)
            return locked.error();
        struct Unlock {
            ProtocolOs &os;
            ~Unlock() { os.unlock(); }
        } unlock{*m_protocolOs};
        made = m_system->createSegmentExclusive(segmentKeyFile->key, segmentSize);
        if (made.shmid == -1 && made.error == EEXIST) {
            // A segment under the key that its creator never finished (killed between shmget
            // and writing the header): nothing of value is in it, so it goes, under the lock.
            if (auto recovered = removeHalfMadeSegment(); !recovered)
                return recovered.error();
            else if (*recovered)
                made = m_system->createSegmentExclusive(segmentKeyFile->key, segmentSize);
        }
        if (made.shmid != -1) {
            m_shmid = made.shmid; // ours from here on: the destructor removes what we made
            auto memory = m_system->attach(made.shmid, segmentSize, m_names);
            if (!memory)
                return memory.error();
            m_capacity = m_options.raw ? segmentSize : m_options.capacity;
            if (!m_options.raw) {
                m_protocol =
                    std::make_unique<SlotProtocol>(*memory, segmentSize, *m_protocolOs, m_names.key, m_identity);
                m_protocol->initialise(m_options.capacity, m_identity);
            }
            return {};
        }
    }
    // made.error was read right after shmget, before the lock's release ran semop.
    switch (made.error) {
    case EEXIST: return adoptExisting();
    case EINVAL:
    case ENOMEM:
    case ENOSPC: return segmentCreationError(m_names.key, made.error, segmentSize);
    case EACCES:
        return makeError(ErrorCode::Unsafe,
                         m_names.key + ": refusing: a segment of another user exists under the key; use another key");
    default: return makeError(ErrorCode::Failure, m_names.key + ": shmget: " + std::strerror(made.error));
    }
}

} // namespace shmtools::detail
