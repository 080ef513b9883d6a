// SPDX-License-Identifier: BSD-3-Clause
#include "standard_streams.h"

#include "report.h"
#include "report_channel.h"
#include "sys/write_fully.h"
#include "write_failure.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace {

shmtools::Error writeError(int error)
{
    return shmtools::Error{shmtools::ErrorCode::Failure, writeFailureText(OutputTarget::standardOutput(), error)};
}

} // namespace

void occupyStandardDescriptors()
{
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        // open() returns the lowest free descriptor, which is `fd`: the ones below are open.
        const int opened = ::open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
        if (opened >= 0 && opened != fd)
            ::close(opened);
    }
}

shmtools::Status flushStdout()
{
    errno = 0;
    const bool failedBefore = std::ferror(stdout) != 0;
    const bool flushFailed = std::fflush(stdout) != 0;
    if (failedBefore || flushFailed)
        return writeError(flushFailed ? errno : 0);
    return {};
}

int writeStdoutOrErrno(std::string_view text)
{
    errno = 0;
    const bool failedBefore = std::ferror(stdout) != 0;
    if (std::fflush(stdout) != 0 || failedBefore)
        return errno ? errno : EIO;
    return shmtools::detail::writeFully(STDOUT_FILENO, text.data(), text.size());
}

shmtools::Status writeStdout(std::string_view text)
{
    if (auto flushed = flushStdout(); !flushed)
        return flushed;
    const int error = shmtools::detail::writeFully(STDOUT_FILENO, text.data(), text.size());
    if (error == EINTR)
        return shmtools::Error{shmtools::ErrorCode::Interrupted, "interrupted while writing standard output"};
    if (error != 0)
        return writeError(error);
    return {};
}

int closeStdout(const char *tool, int code)
{
    drainReports(); // a holder's last lines, if stderr takes them within half a second
    errno = 0;
    const bool failedBefore = std::ferror(stdout) != 0;
    const bool closeFailed = std::fclose(stdout) != 0;
    if (!failedBefore && !closeFailed)
        return code;
    const shmtools::Error error = writeError(closeFailed ? errno : 0);
    if (code != 0)
        return code; // the first failure is the one worth reporting
    return reportError(tool, error);
}
