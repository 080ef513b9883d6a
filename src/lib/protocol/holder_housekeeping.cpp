// What a holder does while it runs and when it stops: every second repair what others removed
// (key files, semaphore, an abandoned lock), report new versions, and remove everything at exit.
#include "protocol/holder.h"

#include "sys/futex.h"
#include "sys/interrupt.h"

#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

using namespace layout;

namespace {

bool sameFile(const std::string &path, const FileId &id)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && static_cast<std::uint64_t>(info.st_dev) == id.device &&
           static_cast<std::uint64_t>(info.st_ino) == id.inode;
}

} // namespace

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
