#include "detach.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

void writeAll(int fd, const std::string &text)
{
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += static_cast<std::size_t>(n);
    }
}

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

} // namespace

Result<BackgroundProcess> runInBackground(const std::function<Result<std::string>()> &startUp,
                                          const std::function<int()> &serve)
{
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
        return makeError(ExitCode::Failure, std::string("pipe: ") + std::strerror(errno));
    const pid_t child = ::fork();
    if (child < 0)
        return makeError(ExitCode::Failure, std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        ::close(report[0]);
        ::setsid(); // a Ctrl-C meant for the calling shell must not stop the holder
        [[maybe_unused]] const int rc = ::chdir("/");
        const Result<std::string> started = startUp();
        if (!started) {
            writeAll(report[1], std::to_string(static_cast<int>(started.error().code)) + " " + started.error().message);
            ::_exit(static_cast<int>(started.error().code));
        }
        writeAll(report[1], "0 " + started.value());
        ::close(report[1]);
        redirectStdioToNull();
        ::_exit(serve());
    }
    ::close(report[1]);
    std::string message;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(report[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        message.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(report[0]);
    if (message.rfind("0 ", 0) == 0)
        return BackgroundProcess{child, message.substr(2)};
    int status = 0;
    ::waitpid(child, &status, 0);
    if (message.empty())
        return makeError(ExitCode::Failure, "the background holder died while starting");
    const std::size_t space = message.find(' ');
    const int code = std::atoi(message.substr(0, space).c_str());
    return makeError(static_cast<ExitCode>(code), space == std::string::npos ? message : message.substr(space + 1));
}
