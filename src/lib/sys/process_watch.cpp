#include "sys/process_watch.h"

#include "sys/futex.h"
#include "sys/interrupt.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

ProcessWatch::ProcessWatch(const std::vector<ProcessIdentity> &processes, std::uint32_t *word)
{
    bool someoneGone = false;
    for (const ProcessIdentity &process : processes) {
        // Through syscall(): bookworm's <sys/pidfd.h> lacks C linkage for C++ callers.
        const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, process.pid, 0));
        // Checked after opening: the pidfd then refers to the process we verified, not a reuse.
        if (!process.isAlive()) {
            someoneGone = true;
            if (pidfd >= 0)
                ::close(pidfd);
            continue;
        }
        if (pidfd >= 0)
            m_pidfds.push_back(pidfd);
    }
    if (someoneGone) {
        bumpAndWake(word);
        return;
    }
    if (m_pidfds.empty())
        return;
    m_stopfd = ::eventfd(0, EFD_CLOEXEC);
    if (m_stopfd < 0)
        return;
    std::vector<pollfd> fds;
    for (const int pidfd : m_pidfds)
        fds.push_back({pidfd, POLLIN, 0});
    fds.push_back({m_stopfd, POLLIN, 0});
    m_thread = startHelperThread([fds = std::move(fds), word]() mutable {
        while (::poll(fds.data(), fds.size(), -1) < 0) {
        }
        for (std::size_t i = 0; i + 1 < fds.size(); ++i)
            if (fds[i].revents & POLLIN) {
                bumpAndWake(word);
                return;
            }
    });
}

ProcessWatch::~ProcessWatch()
{
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_stopfd, &one, sizeof one);
        m_thread.join();
    }
    if (m_stopfd >= 0)
        ::close(m_stopfd);
    for (const int pidfd : m_pidfds)
        ::close(pidfd);
}
