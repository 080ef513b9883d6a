// SPDX-License-Identifier: BSD-3-Clause
// What a holder does while it runs and when it stops: every second repair what others removed
// (key files, semaphore, an abandoned lock), report new versions, and remove everything at exit.
#include "protocol/holder.h"

#include "sys/futex.h"
#include "sys/interrupt.h"
#include "sys/key_file.h"

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace shmtools::detail {

using namespace layout;

// A removed key file comes back from its anchor under the same inode, so the same SysV key:
// Qt programs and tools meet this segment again. A file of ours put in its place (a Qt peer's
// create() during the gap makes a new one) is swapped back while nothing lives under its key.
// For the semaphore key file a semaphore there is no obstacle: no segment is reached through
// that file, so its semaphore is a Qt peer's that attached to this segment meanwhile (Qt makes a
// semaphore of its own when it finds none); that peer keeps using it by its id, and removes it,
// and the key file by name, when it detaches (restored again then).
void Holder::restoreKeyFiles(const NoticeFn &notice)
{
    bool lost = false;
    // An anchor gone too, or never made: that inode, and so its SysV key, cannot come back.
    bool forGood = false;
    bool unanchored = false; // of those, one never had an anchor
    std::string problems;
    for (const OwnKeyFile &file : ownKeyFiles()) {
        const std::string &path = file.path;
        std::string problem;
        const bool semaphoreKeyFile = path == m_names.semaphoreKeyFile;
        const auto replaceable = [semaphoreKeyFile](key_t key) {
            return !segmentExistsUnder(key) && (semaphoreKeyFile || !semaphoreExistsUnder(key));
        };
        switch (restoreFromAnchor(path, file.id, anchorPathFor(path), replaceable, problem)) {
        case KeyFileRepair::Present: break;
        case KeyFileRepair::Restored:
            notice("the key file " + path + " was removed (by a Qt program's failed create(), a cleaner of old "
                   "files, or by hand); restored it");
            break;
        case KeyFileRepair::Replaced:
            notice("the key file " + path + " was replaced by another file; put the original back");
            break;
        case KeyFileRepair::Failed:
            lost = true;
            if (!file.anchorMissing.empty()) {
                unanchored = true;
                problem = "it had no anchor to restore it from (" + file.anchorMissing + ")";
            }
            forGood = forGood || !isSameFile(anchorPathFor(path), file.id);
            problems += (problems.empty() ? "" : "; ") + path + ": " + problem;
            break;
        }
    }
    if (lost && !m_keyFilesLost && forGood)
        notice("the key files in " + m_names.tempDir +
               (unanchored ? " were removed or replaced before they could be anchored (" + problems + ")"
                           : " were removed with their anchors (" + problems + "), e.g. with TMPDIR itself") +
               ": they cannot come back under the same System V key, so no new loader or reader can reach this "
               "segment again; stop this holder (a removal of the key still reaches it) and start a new one");
    else if (lost && !m_keyFilesLost)
        notice("the key files in " + m_names.tempDir + " were removed or replaced and cannot be restored (" +
               problems + "); no new loader or reader can reach this segment until they are; retrying every " +
               "second");
    else if (!lost && m_keyFilesLost)
        notice("the key files in " + m_names.tempDir + " are back; loaders and readers reach the segment again");
    m_keyFilesLost = lost;
    m_keyFilesLostForGood = lost && forGood;
}

void Holder::tellAnchorProblem(const NoticeFn &onNotice)
{
    if (m_anchorProblem.empty() || m_anchorProblemTold)
        return;
    if (onNotice)
        onNotice(m_names.key + ": key files removed from " + m_names.tempDir +
                 " cannot be restored until this holder can anchor them (" + m_anchorProblem +
                 "); it tries every second");
    m_anchorProblemTold = true;
}

void Holder::keepAlive(const NoticeFn &onNotice, bool touch)
{
    const auto notice = [&](const std::string &text) {
        if (onNotice)
            onNotice(m_names.key + ": " + text);
    };
    tellAnchorProblem(onNotice);
    restoreKeyFiles(notice);
    if (!m_anchorProblem.empty()) {
        anchorKeyFiles();
        if (m_anchorProblem.empty())
            notice("its key files have their anchors now (" + m_names.tempDir +
                   " had room again): removed key files are restored from now on");
    }
    const bool keyFilesThere = !m_keyFilesLost;
    if (keyFilesThere && touch) {
        // Age-based cleaners (systemd-tmpfiles: 10 days in /tmp) go by these times (the
        // anchors share the key files' inodes, so their times too).
        for (const std::string &file : {m_names.segmentKeyFile, m_names.semaphoreKeyFile})
            touchFile(file);
    }
    if (m_os->semaphore().isGone()) {
        // Said once, not every second: what stops the repair changes seldom.
        const auto tellOnce = [&](const std::string &problem) {
            if (problem != m_semaphoreProblem)
                notice(problem);
            m_semaphoreProblem = problem;
        };
        if (!keyFilesThere) {
            tellOnce(m_keyFilesLostForGood
                         ? "its semaphore was removed as well; it cannot be made again under the System V key of a "
                           "key file that cannot come back"
                         : "its semaphore was removed as well; it is restored once the key files are");
            return;
        }
        // Without a descriptor (the key from the key file's recorded identity): a holder
        // started at a tight RLIMIT_NOFILE has none to spare, and still must repair.
        auto restored = Semaphore::recreate(m_names, m_identity.semaphoreKeyFile);
        if (!restored) {
            tellOnce("its semaphore was removed and cannot be restored yet: " + restored.error().message);
            return;
        }
        m_semaphoreProblem.clear();
        m_os->setSemaphore(std::move(*restored));
        notice("its semaphore was removed (by a Qt program's failed create(), systemd-logind's RemoveIPC at "
               "logout, or by hand); restored it");
        return;
    }
    // A lock taken without SEM_UNDO by a process that then exited stays taken for ever; the
    // watch decides when it is the dead taker's for sure (Semaphore::AbandonWatch).
    if (const auto abandoned = m_abandonWatch.look(m_os->semaphore())) {
        m_os->semaphore().releaseAbandoned();
        notice("the segment lock was left taken by PID " + std::to_string(abandoned->pid) +
               ", which exited without giving it back" +
               (abandoned->reused ? " (its PID now names another process)" : "") + "; released it");
    }
}

int Holder::serve(const std::function<void(const VersionInfo &)> &onVersion, const NoticeFn &onNotice)
{
    // The child of a fork() shares the parent's segment, semaphore and lock: serving there would
    // repair and report in the parent's name, and outlive it as a holder nobody started.
    if (m_os && m_os->forked()) {
        if (onNotice)
            onNotice(m_names.key + ": this Holder was started before fork() and belongs to the parent process; "
                                   "it serves only there");
        return 0;
    }
    // A raw segment has no counter to sleep on; a private word serves the signal handler.
    std::uint32_t privateWord = 0;
    std::uint32_t *word = m_protocol ? m_protocol->changeCounter() : &privateWord;
    std::uint64_t reported = m_kept.generation;
    std::string lastProblem;
    auto lastTouch = std::chrono::steady_clock::now();
    // Said at once, not at the first housekeeping: the user learns it with the ready line.
    tellAnchorProblem(onNotice);
    while (!interruptSignal() && !m_stopServing) {
        const std::uint32_t counter = loadWord(word);
        if (onVersion && m_protocol) {
            // A validated copy, never the live header: a scribbled header is reported, not followed.
            auto copy = m_protocol->snapshot(Deadline::after(m_options.lockTimeout.count()));
            if (copy) {
                const VersionInfo latest = latestVersion(*copy);
                if (latest.generation > reported) {
                    reported = latest.generation;
                    onVersion(latest);
                }
            } else if (copy.error().message != lastProblem && copy.error().code != ErrorCode::TimedOut &&
                       copy.error().code != ErrorCode::NoSegment) {
                // (A removed semaphore, NoSegment, is told and repaired by keepAlive below.)
                lastProblem = copy.error().message;
                if (onNotice)
                    onNotice(lastProblem);
            }
        }
        if (m_stopServing)
            break; // asked for by onVersion or onNotice: not a second more
        waitWhileEqual(word, counter, Deadline::after(std::chrono::duration<double>(kHousekeepingPeriod).count()));
        const auto now = std::chrono::steady_clock::now();
        const bool touch = now - lastTouch >= kTouchPeriod;
        if (touch)
            lastTouch = now;
        keepAlive(onNotice, touch);
    }
    return m_stopServing ? 0 : interruptSignal();
}

Holder::~Holder()
{
    static_cast<void>(stop()); // what is left was for stop()'s caller to hear; nobody asked here
}

namespace {

// Why a key file in TMPDIR cannot be unlinked, for someone to act on.
std::string unlinkCause(int error)
{
    const char *name = strerrorname_np(error);
    const std::string cause = std::strerror(error) + (name ? ", " + std::string(name) : std::string());
    switch (error) {
    case EPERM: return cause + ": TMPDIR is immutable or append-only (chattr +i, +a)";
    case EROFS: return cause + ": TMPDIR is on a read-only file system";
    case EACCES: return cause + ": TMPDIR is not writable";
    default: return cause;
    }
}

} // namespace

Status Holder::stop()
{
    if (m_shmid == -1)
        return {}; // never became the holder, or stopped: what exists under the key is not ours
    const int shmid = std::exchange(m_shmid, -1);
    if (m_os && m_os->forked())
        return {}; // a child of fork(): the segment, semaphore and key files are the parent's
    // Mark the segment for removal first (attached processes keep their mapping, nobody new
    // finds it), then wake every waiter so it sees that, then remove the semaphore and files.
    m_system->removeSegment(shmid);
    if (m_protocol)
        bumpAndWake(m_protocol->changeCounter());
    m_system->removeSemaphore();
    if (m_keyFilesOfAnother)
        return {};
    // Only our own key files, each on its own: after a cleaner or a Qt peer removed one, the
    // file there is someone else's, while the other one, still ours, must not be left behind.
    std::vector<std::string> left;
    int cause = 0;
    for (const OwnKeyFile &file : ownKeyFiles())
        for (const std::string &path : {file.path, anchorPathFor(file.path)}) {
            const KeyFileRemoval removal = removeKeyFileReporting(path, file.id);
            if (removal.outcome != KeyFileRemoval::Outcome::Failed)
                continue;
            left.push_back(path.substr(path.find_last_of('/') + 1));
            cause = cause == 0 ? removal.error : cause;
        }
    if (left.empty())
        return {};
    std::string names;
    for (std::size_t i = 0; i < left.size(); ++i)
        names += (i == 0 ? "" : i + 1 == left.size() ? " and " : ", ") + left[i];
    return makeError(ErrorCode::Failure, m_names.key + ": removed the segment and its semaphore, but cannot remove " +
                                             names + " in " + m_names.tempDir + " (" + unlinkCause(cause) +
                                             ")",
                     Remedy::RemoveLeftovers);
}

} // namespace shmtools::detail
