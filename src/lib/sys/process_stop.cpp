// SPDX-License-Identifier: BSD-3-Clause
#include "sys/process_stop.h"

#include "sys/interrupt.h"
#include "sys/process_identity.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {

class Pidfd {
public:
    explicit Pidfd(int fd) : m_fd(fd) {}
    Pidfd(const Pidfd &) = delete;
    Pidfd &operator=(const Pidfd &) = delete;
    ~Pidfd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }

private:
    int m_fd;
};

std::string pidText(pid_t pid)
{
    return "PID " + std::to_string(pid);
}

std::string secondsText(double seconds)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g s", seconds);
    return text;
}

} // namespace

Status stopProcess(pid_t pid, const std::function<bool()> &stillTheOne, const Deadline &deadline)
{
    const Pidfd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (pidfd.fd() < 0) {
        if (errno == ESRCH)
            return makeError(ErrorCode::NoSegment, pidText(pid) + " has exited");
        if (errno == EMFILE)
            return makeError(ErrorCode::Failure, "cannot open a pidfd of " + pidText(pid) +
                                                     ": the descriptor limit RLIMIT_NOFILE is reached; raise it "
                                                     "with 'ulimit -n'");
        return makeError(ErrorCode::Failure, "pidfd_open(" + pidText(pid) + "): " + std::strerror(errno));
    }
    // The pidfd now pins whichever process has this PID: if that is still the one meant, the
    // signal cannot reach a successor that reused the PID.
    if (!stillTheOne())
        return makeError(ErrorCode::NoSegment, pidText(pid) + " has exited");
    if (::syscall(SYS_pidfd_send_signal, pidfd.fd(), SIGTERM, nullptr, 0) != 0) {
        if (errno == ESRCH)
            return makeError(ErrorCode::NoSegment, pidText(pid) + " has exited");
        // EPERM: another user's process, or one in a user namespace that this one may not
        // signal; the error says only what is known.
        if (errno == EPERM)
            return makeError(ErrorCode::Unsafe,
                             "cannot signal " + pidText(pid) + ": " + std::strerror(EPERM) +
                                 " (another user's process, or outside what this user namespace may signal)",
                             pid);
        return makeError(ErrorCode::Failure, "pidfd_send_signal(" + pidText(pid) + "): " + std::strerror(errno));
    }
    // A pidfd becomes readable when the whole thread group has exited.
    for (;;) {
        const timespec left = deadline.remaining();
        pollfd watch{pidfd.fd(), POLLIN, 0};
        const int ready = interruptibleCall([&] { return ::ppoll(&watch, 1, deadline.isNever() ? nullptr : &left, nullptr); });
        if (ready > 0)
            return {};
        // A stopped process cannot act on the SIGTERM: the kernel says so, and so does the error.
        if (ready == 0 && isStopped(pid))
            return makeError(ErrorCode::TimedOut,
                             pidText(pid) + " is stopped (SIGSTOP or a debugger), so it did not exit within " +
                                 secondsText(deadline.seconds()) + "; the SIGTERM sent is pending",
                             Remedy::ContinueStoppedProcess, pid);
        if (ready == 0)
            return makeError(ErrorCode::TimedOut,
                             pidText(pid) + " did not exit within " + secondsText(deadline.seconds()),
                             Remedy::RaiseTimeout, pid);
        if (errno == EINTR && interruptSignal())
            return makeError(ErrorCode::Interrupted, "interrupted while waiting for " + pidText(pid) + " to exit");
        if (errno != EINTR)
            return makeError(ErrorCode::Failure, "poll(pidfd): " + std::string(std::strerror(errno)));
    }
}

} // namespace shmtools::detail
