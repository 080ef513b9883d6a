#include "protocol/holder.h"

#include "sys/futex.h"
#include "sys/interrupt.h"
#include "sys/kernel_limits.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"
#include "protocol/segment_attach.h"
#include "protocol/segment_list.h"
#include "base/size_text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

using namespace layout;

namespace {

Error heldBy(const IpcNames &names, const std::string &who, pid_t pid)
{
    return makeError(ExitCode::KeyHeld, names.key + ": held by " + who, Remedy::StopHolderOrChooseAnotherKey, pid);
}

bool sameFile(const std::string &path, const FileId &id)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && static_cast<std::uint64_t>(info.st_dev) == id.device &&
           static_cast<std::uint64_t>(info.st_ino) == id.inode;
}

} // namespace

Holder::Holder(IpcNames names, const HolderOptions &options) : m_names(std::move(names)), m_options(options) {}

Result<std::unique_ptr<Holder>> Holder::start(const IpcNames &names, const HolderOptions &options)
{
    const auto segmentSize =
        options.raw ? std::optional<std::uint64_t>(options.capacity) : segmentSizeFor(options.capacity);
    if (auto fits = checkKernelLimits(names.key, options.capacity, segmentSize); !fits)
        return fits.error();

    std::unique_ptr<Holder> holder(new Holder(names, options));
    if (auto created = holder->create(*segmentSize); !created)
        return created.error();
    return holder;
}

Status Holder::create(std::uint64_t segmentSize)
{
    auto segmentKeyFile = ensureKeyFile(m_names.segmentKeyFile, m_names, "segment");
    if (!segmentKeyFile)
        return segmentKeyFile.error();
    // Someone else's segment under the key is refused before anything is made or opened.
    if (auto existing = findSegment(m_names)) {
        auto status = statSegment(*existing, m_names);
        if (!status)
            return status.error();
        if (auto owned = requireOwnedSegment(*status, m_names); !owned)
            return owned.error();
    } else if (existing.error().code == ExitCode::Unsafe) {
        return existing.error();
    }
    auto semaphore = Semaphore::openOrCreate(m_names);
    if (!semaphore)
        return semaphore.error();
    auto semaphoreKeyFile = keyFileAt(m_names.semaphoreKeyFile, m_names, "semaphore");
    if (!semaphoreKeyFile)
        return semaphoreKeyFile.error();
    m_identity = keyIdentityOf(m_names, segmentKeyFile->id, semaphoreKeyFile->id);
    // A holder whose key files were removed (and are now new files, with another SysV key)
    // still holds the key: a second one would split loaders and readers between two segments.
    if (const auto other = findLiveHolder(m_names);
        other && (other->identity.segmentKeyFile.inode != m_identity.segmentKeyFile.inode ||
                  other->identity.segmentKeyFile.device != m_identity.segmentKeyFile.device))
        return heldBy(m_names,
                      "a running holder (PID " + std::to_string(other->holderPid) + ", segment " +
                          std::to_string(other->shmid) + "), whose key files in " + m_names.tempDir + " were removed",
                      other->holderPid);
    // The holder is a participant too: its record in the header names this lock.
    auto participant = ParticipantLock::take(m_names.segmentKeyFile, segmentKeyFile->id, m_names.key);
    if (!participant)
        return participant.error();
    m_os = std::make_unique<SysvProtocolOs>(std::move(*semaphore), std::move(*participant));

    int shmid;
    {
        // The lock orders creators and adopters; shmget(IPC_EXCL) picks the one creator.
        auto lock = m_os->semaphore().lock(Deadline::after(m_options.lockTimeout));
        if (!lock)
            return lock.error();
        shmid = ::shmget(segmentKeyFile->key, segmentSize, 0600 | IPC_CREAT | IPC_EXCL);
        if (shmid != -1) {
            m_shmid = shmid; // ours from here on: the destructor removes what we made
            auto mapping = SegmentMapping::attach(shmid, segmentSize, m_names);
            if (!mapping)
                return mapping.error();
            m_mapping = std::move(*mapping);
            m_capacity = m_options.raw ? segmentSize : m_options.capacity;
            if (!m_options.raw) {
                m_protocol =
                    std::make_unique<SlotProtocol>(m_mapping.data(), segmentSize, *m_os, m_names.key, m_identity);
                m_protocol->initialise(m_options.capacity, m_identity);
            }
            return Done{};
        }
    }
    switch (errno) {
    case EEXIST: return adoptExisting();
    case EINVAL:
    case ENOMEM:
    case ENOSPC:
        return makeError(ExitCode::Usage,
                         m_names.key + ": cannot create a segment of " + formatSize(segmentSize) + " (" +
                             std::strerror(errno) + ": not enough memory, or kernel.shmall or kernel.shmmni exhausted)",
                         Remedy::SmallerCapacity);
    case EACCES:
        return makeError(ExitCode::Unsafe,
                         m_names.key + ": refusing: a segment of another user exists under the key; use another key");
    default: return makeError(ExitCode::Failure, m_names.key + ": shmget: " + std::strerror(errno));
    }
}

Status Holder::adoptExisting()
{
    auto mapped = mapSegment(m_names);
    if (!mapped)
        return mapped.error();
    const SegmentStatus &status = mapped->status;
    const std::string ipcrm = "remove it with 'ipcrm -m " + std::to_string(status.shmid) + "'";
    SegmentHeader copy{};
    std::memcpy(&copy, mapped->mapping.data(), std::min<std::uint64_t>(sizeof copy, status.size));
    const HeaderCheck check = status.size >= kHeaderSize ? checkHeader(copy, status.size).check : HeaderCheck::Foreign;
    if (check == HeaderCheck::Foreign || m_options.raw) {
        if (status.attachments > 0)
            return heldBy(m_names,
                          "another program (segment " + std::to_string(status.shmid) + ", created by PID " +
                              std::to_string(status.creatorPid) + ")",
                          status.creatorPid);
        return makeError(ExitCode::InvalidContent,
                         m_names.key + ": an orphaned segment " +
                             (check == HeaderCheck::Foreign ? "not made by shm-tools" : "of shm-tools format") +
                             " exists under this key; " + ipcrm);
    }
    auto protocol = std::make_unique<SlotProtocol>(mapped->mapping.data(), status.size, *m_os, m_names.key, m_identity);
    auto kept = protocol->adopt(Deadline::after(m_options.lockTimeout));
    if (!kept) {
        if (kept.error().code != ExitCode::InvalidContent)
            return kept.error();
        // Every format version keeps the holder's record where version 1 had it: versions 1
        // and 2 as a PID and its start time (where version 3 has the token), so an older
        // holder is recognised the way it recognised itself.
        const bool older = copy.formatVersion != 0 && copy.formatVersion < kFormatVersion;
        const bool holderRuns = older ? ProcessIdentity{copy.holder.pid, copy.holder.token}.isAlive()
                                      : m_os->isAlive(copy.holder.token);
        const pid_t pid = older ? copy.holder.pid : pidInOurNamespace(copy.holder, pidNamespaceId());
        const std::string who =
            older ? "PID " + std::to_string(pid) : describeParticipant(copy.holder, pidNamespaceId());
        if (holderRuns)
            return heldBy(m_names,
                          "a running holder (" + who +
                              ") whose header this version cannot use (another shm-tools version, or corrupt)",
                          pid);
        return makeError(ExitCode::InvalidContent,
                         kept.error().message + " (the orphan of a holder that died); " + ipcrm);
    }
    m_shmid = status.shmid;
    m_mapping = std::move(mapped->mapping);
    m_protocol = std::move(protocol);
    m_adopted = true;
    m_kept = *kept;
    m_capacity = m_protocol->capacity();
    return Done{};
}

void Holder::keepAlive(const NoticeFn &onNotice, bool touch)
{
    const auto notice = [&](const std::string &text) {
        if (onNotice)
            onNotice(m_names.key + ": " + text);
    };
    const bool keyFilesThere = sameFile(m_names.segmentKeyFile, m_identity.segmentKeyFile) &&
                               sameFile(m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile);
    if (!keyFilesThere && !m_keyFilesLost) {
        m_keyFilesLost = true;
        notice("the key files in " + m_names.tempDir +
               " were removed or replaced (by a cleaner of old files?); no new loader or reader can reach this "
               "segment; stop this holder and start a new one");
    }
    if (keyFilesThere && touch) {
        // Age-based cleaners (systemd-tmpfiles: 10 days in /tmp) go by these times.
        for (const std::string &file : {m_names.segmentKeyFile, m_names.semaphoreKeyFile})
            ::utimensat(AT_FDCWD, file.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
    }
    if (m_os->semaphore().isGone()) {
        if (!keyFilesThere) {
            notice("its semaphore was removed as well; it cannot be restored without the key files");
            return;
        }
        auto restored = Semaphore::openOrCreate(m_names);
        if (!restored) {
            notice("its semaphore was removed and cannot be restored: " + restored.error().message);
            return;
        }
        m_os->setSemaphore(std::move(*restored));
        notice("its semaphore was removed (by systemd-logind's RemoveIPC at logout, or by hand); restored it");
        return;
    }
    // A lock taken without SEM_UNDO by a process that then exited stays taken for ever. Seen
    // twice in a row (a second apart, the same dead PID), it is released.
    const pid_t abandonedBy = m_os->semaphore().abandonedBy();
    if (abandonedBy != 0 && abandonedBy == m_abandonedBy) {
        m_os->semaphore().releaseAbandoned();
        notice("the segment lock was left taken by PID " + std::to_string(abandonedBy) +
               ", which exited without giving it back; released it");
        m_abandonedBy = 0;
        return;
    }
    m_abandonedBy = abandonedBy;
}

int Holder::serve(const std::function<void(const VersionInfo &)> &onVersion, const NoticeFn &onNotice)
{
    // A raw segment has no counter to sleep on; a private word serves the signal handler.
    std::uint32_t privateWord = 0;
    std::uint32_t *word = m_protocol ? m_protocol->changeCounter() : &privateWord;
    std::uint64_t reported = m_kept.generation;
    std::string lastProblem;
    auto lastTouch = std::chrono::steady_clock::now();
    while (!interruptSignal()) {
        const std::uint32_t counter = loadWord(word);
        if (onVersion && m_protocol) {
            // A validated copy, never the live header: a scribbled header is reported, not followed.
            auto copy = m_protocol->snapshot(Deadline::after(m_options.lockTimeout));
            if (copy) {
                const VersionInfo latest = latestVersion(*copy);
                if (latest.generation > reported) {
                    reported = latest.generation;
                    onVersion(latest);
                }
            } else if (copy.error().message != lastProblem && copy.error().code != ExitCode::TimedOut) {
                lastProblem = copy.error().message;
                if (onNotice)
                    onNotice(lastProblem);
            }
        }
        waitWhileEqual(word, counter, Deadline::after(std::chrono::duration<double>(kHousekeepingPeriod).count()));
        const auto now = std::chrono::steady_clock::now();
        const bool touch = now - lastTouch >= kTouchPeriod;
        if (touch)
            lastTouch = now;
        keepAlive(onNotice, touch);
    }
    return interruptSignal();
}

Holder::~Holder()
{
    if (m_shmid == -1)
        return; // never became the holder: what exists under the key belongs to someone else
    if (m_os && m_os->forked())
        return; // a child of fork(): the segment, semaphore and key files are the parent's
    // Mark the segment for removal first (attached processes keep their mapping, nobody new
    // finds it), then wake every waiter so it sees that, then remove the semaphore and files.
    ::shmctl(m_shmid, IPC_RMID, nullptr);
    if (m_protocol)
        bumpAndWake(m_protocol->changeCounter());
    m_os->semaphore().remove();
    // Only our own key files: after a cleaner removed them, the files there are someone else's.
    if (sameFile(m_names.segmentKeyFile, m_identity.segmentKeyFile) &&
        sameFile(m_names.semaphoreKeyFile, m_identity.semaphoreKeyFile))
        removeKeyFiles(m_names);
}
