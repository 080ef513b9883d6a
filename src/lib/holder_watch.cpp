#include "holder_watch.h"

#include "futex.h"
#include "interrupt.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

HolderWatch::HolderWatch(ProcessIdentity holder, std::uint32_t *word)
{
    // Through syscall(): bookworm's <sys/pidfd.h> lacks C linkage for C++ callers.
    m_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, holder.pid, 0));
    // Checked after opening: the pidfd then refers to the process we verified, not a reuse.
    if (m_pidfd < 0 || !holder.isAlive())
        return;
    m_stopfd = ::eventfd(0, EFD_CLOEXEC);
    if (m_stopfd < 0)
        return;
    m_thread = startHelperThread([pidfd = m_pidfd, stopfd = m_stopfd, word] {
        pollfd fds[2] = {{pidfd, POLLIN, 0}, {stopfd, POLLIN, 0}};
        while (::poll(fds, 2, -1) < 0) {
        }
        if (fds[0].revents & POLLIN)
            bumpAndWake(word);
    });
}

HolderWatch::~HolderWatch()
{
    if (m_thread.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = ::write(m_stopfd, &one, sizeof one);
        m_thread.join();
    }
    if (m_stopfd >= 0)
        ::close(m_stopfd);
    if (m_pidfd >= 0)
        ::close(m_pidfd);
}
