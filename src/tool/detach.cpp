#include "detach.h"

#include "child_process.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::interruptibleCall;
using shmtools::interruptSignal;

namespace {

// How long a stopping child may take to clean up before it is killed.
constexpr int kStopGraceMs = 5000;

void redirectStdioToNull()
{
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0)
        return;
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO})
        ::dup2(null, fd);
    if (null > STDERR_FILENO)
        ::close(null);
}

// The child's report to the parent; if the parent is gone there is nobody left to tell.
void report(int fd, const std::string &text)
{
    [[maybe_unused]] const int error = shmtools::writeAll(fd, text.data(), text.size());
}

} // namespace

void stopBackground(pid_t pid)
{
    stopChild(pid, pid, kStopGraceMs);
}

shmtools::Result<BackgroundProcess> runInBackground(const std::function<shmtools::Result<std::string>()> &startUp,
                                                    const std::function<int()> &serve)
{
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        return Error{ErrorCode::Failure, std::string("pipe: ") + std::strerror(errno)};
    const pid_t child = ::fork();
    if (child < 0)
        return Error{ErrorCode::Failure, std::string("fork: ") + std::strerror(errno)};
    if (child == 0) {
        ::close(pipeFds[0]);
        ::setsid();                           // a Ctrl-C meant for the calling shell must not stop the holder
        shmtools::installInterruptHandlers(); // again: its timer is the parent's and was not inherited
        [[maybe_unused]] const int rc = ::chdir("/");
        const shmtools::Result<std::string> started = startUp();
        if (!started) {
            report(pipeFds[1], std::to_string(static_cast<int>(started.error().code)) + " " + started.error().message);
            ::_exit(static_cast<int>(started.error().code));
        }
        report(pipeFds[1], "0 " + started.value());
        ::close(pipeFds[1]);
        redirectStdioToNull();
        ::_exit(serve());
    }
    ::close(pipeFds[1]);
    std::string message;
    char buffer[4096];
    for (;;) {
        const ssize_t n = interruptibleCall([&] { return ::read(pipeFds[0], buffer, sizeof buffer); });
        if (n < 0 && errno == EINTR && interruptSignal()) {
            // The child is in a session of its own, so the signal did not reach it: stop it, and
            // with it whatever it has created so far.
            ::close(pipeFds[0]);
            stopBackground(child);
            return Error{ErrorCode::Interrupted,
                         "interrupted while the holder was starting; stopped it (PID " + std::to_string(child) + ")",
                         {},
                         child};
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        message.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(pipeFds[0]);
    if (message.rfind("0 ", 0) == 0)
        return BackgroundProcess{child, message.substr(2)};
    waitForChild(child, -1);
    if (message.empty())
        return Error{ErrorCode::Failure, "the background holder died while starting"};
    const std::size_t space = message.find(' ');
    const int code = std::atoi(message.substr(0, space).c_str());
    return Error{static_cast<ErrorCode>(code), space == std::string::npos ? message : message.substr(space + 1)};
}
