#include "detach.h"

#include "child_process.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
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

// A start-up failure as the child reports it: "CODE REMEDY PID KEYLENGTH KEY MESSAGE" (the key
// counted, since it may hold spaces), so that the parent words the remedy as the child would have.
std::string encodeFailure(const Error &error)
{
    return std::to_string(static_cast<int>(error.code)) + " " + std::to_string(static_cast<int>(error.remedy)) + " " +
           std::to_string(error.pid) + " " + std::to_string(error.key.size()) + " " + error.key + " " + error.message;
}

Error decodeFailure(const std::string &text)
{
    int code = 0, remedy = 0, pid = 0, consumed = 0;
    std::size_t keyLength = 0;
    // %n before the key's separating space: the key itself may start with spaces.
    if (std::sscanf(text.c_str(), "%d %d %d %zu%n", &code, &remedy, &pid, &keyLength, &consumed) != 4 ||
        static_cast<std::size_t>(consumed) + 1 + keyLength >= text.size())
        return Error{ErrorCode::Failure, "the background holder reported an unreadable failure: " + text};
    const std::size_t key = static_cast<std::size_t>(consumed) + 1;
    return Error{static_cast<ErrorCode>(code), text.substr(key + keyLength + 1), text.substr(key, keyLength),
                 static_cast<pid_t>(pid), static_cast<shmtools::Remedy>(remedy)};
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
            report(pipeFds[1], encodeFailure(started.error()));
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
    return decodeFailure(message);
}
