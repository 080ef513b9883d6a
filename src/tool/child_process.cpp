// SPDX-License-Identifier: BSD-3-Clause
#include "child_process.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

std::optional<int> waitForChild(pid_t pid, int timeoutMs)
{
    if (timeoutMs >= 0) {
        // Through syscall(): bookworm's <sys/pidfd.h> lacks C linkage for C++ callers.
        const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
        if (pidfd >= 0) {
            pollfd exited{pidfd, POLLIN, 0};
            int rc;
            while ((rc = ::poll(&exited, 1, timeoutMs)) < 0 && errno == EINTR) {
            }
            ::close(pidfd);
            if (rc == 0)
                return std::nullopt;
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return 0; // not our child (any more): nothing to reap
    }
    return status;
}

int stopChild(pid_t pid, pid_t target, int graceMs)
{
    ::kill(target, SIGTERM);
    if (const auto status = waitForChild(pid, graceMs))
        return *status;
    ::kill(target, SIGKILL);
    return *waitForChild(pid, -1);
}

namespace {
// Whether each was ignored when the tool started (exec keeps an ignored signal ignored).
bool g_pipeSignalIgnoredAtStart = false;
bool g_fileSizeSignalIgnoredAtStart = false;

bool isIgnored(int signal)
{
    struct sigaction now {};
    return ::sigaction(signal, nullptr, &now) == 0 && now.sa_handler == SIG_IGN;
}
} // namespace

void noteInheritedSignals()
{
    g_pipeSignalIgnoredAtStart = isIgnored(SIGPIPE);
    g_fileSizeSignalIgnoredAtStart = ::signal(SIGXFSZ, SIG_IGN) == SIG_IGN;
}

void restoreInheritedSignals()
{
    // exec would reset the tool's handlers by itself; until then a handler would only record a
    // SIGTERM (stopChild's) and the child would go on to run the command. Ignored dispositions
    // survive exec, so the ones the tool set itself must be undone here.
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        if (!isIgnored(signal))
            ::signal(signal, SIG_DFL);
    ::signal(SIGPIPE, g_pipeSignalIgnoredAtStart ? SIG_IGN : SIG_DFL);
    ::signal(SIGXFSZ, g_fileSizeSignalIgnoredAtStart ? SIG_IGN : SIG_DFL);
}
