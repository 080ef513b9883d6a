// SPDX-License-Identifier: BSD-3-Clause
#include "detach.h"

#include "child_process.h"
#include "last_resort.h"
#include "report_channel.h"
#include "start_report.h"
#include "task_limit.h"
#include "sys/write_fully.h"
#include "write_failure.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::interruptibleCall;
using shmtools::interruptSignal;

namespace {

std::string pipeFailure(int error)
{
    if (error == EMFILE || error == ENFILE)
        return descriptorLimitText("cannot create the pipes to the background holder", error);
    return std::string("cannot create the pipes to the background holder (") + std::strerror(error) + ")";
}

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

// The parent's word that the PID is out: true once it came, false if the parent closed the
// pipe without it (gone, or gave up) or an interrupt arrived first.
bool waitForHandOver(int fd)
{
    char byte = 0;
    for (;;) {
        const ssize_t n = interruptibleCall([&] { return ::read(fd, &byte, 1); });
        if (n >= 0)
            return n == 1;
        if (errno != EINTR || interruptSignal())
            return false;
    }
}

// Everything until EOF: the child closes its end after its one report, or dies.
// Interrupted if an interrupt signal arrives first.
shmtools::Result<std::string> readAll(int fd)
{
    std::string bytes;
    char buffer[4096];
    for (;;) {
        const ssize_t n = interruptibleCall([&] { return ::read(fd, buffer, sizeof buffer); });
        if (n < 0 && errno == EINTR && interruptSignal())
            return Error{ErrorCode::Interrupted, "interrupted"};
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return bytes;
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
}

[[noreturn]] void runChild(int reportFd, int handOverFd, const std::function<shmtools::Result<std::string>()> &startUp,
                           const std::function<int()> &serve, const std::function<void()> &abandon)
{
    ::setsid(); // a Ctrl-C meant for the calling shell must not stop the holder
    // A parent that is gone is learnt from EPIPE, not by dying with the segment made.
    std::signal(SIGPIPE, SIG_IGN);
    shmtools::installInterruptHandlers(); // again: its timer is the parent's and was not inherited
    [[maybe_unused]] const int rc = ::chdir("/");
    StartReport report;
    try {
        const shmtools::Result<std::string> started = startUp();
        report.ready = started.ok();
        if (report.ready)
            report.readyMessage = *started;
        else
            report.error = started.error();
    } catch (...) {
        report.error = currentExceptionError(); // unwinding removed what startUp had made
    }
    const std::string bytes = encodeStartReport(report);
    const bool told = shmtools::detail::writeFully(reportFd, bytes.data(), bytes.size()) == 0;
    ::close(reportFd);
    if (!report.ready)
        ::_exit(static_cast<int>(report.error.code));
    // Serve only once the parent has the PID out; otherwise nobody could ever stop this holder.
    if (!told || !waitForHandOver(handOverFd)) {
        abandon();
        ::_exit(static_cast<int>(ErrorCode::Interrupted));
    }
    ::close(handOverFd);
    redirectStdioToNull();
    reportsFollowStderr();
    int code = static_cast<int>(ErrorCode::Failure);
    try {
        code = serve();
    } catch (...) {
        abandon(); // stdio is /dev/null by now: nobody to tell, but nothing is left behind
    }
    ::_exit(code);
}

} // namespace

BackgroundProcess::BackgroundProcess(BackgroundProcess &&other) noexcept
    : m_pid(other.m_pid), m_readyMessage(std::move(other.m_readyMessage)),
      m_handOverFd(std::exchange(other.m_handOverFd, -1)), m_ended(other.m_ended)
{
}

BackgroundProcess::~BackgroundProcess()
{
    if (m_handOverFd >= 0)
        ::close(m_handOverFd); // not handed over: the child cleans up and exits
}

shmtools::Status BackgroundProcess::handOver()
{
    std::signal(SIGPIPE, SIG_IGN); // a child that has ended is an EPIPE here, not our death
    const char byte = 1;
    const int error = shmtools::detail::writeFully(m_handOverFd, &byte, 1);
    ::close(std::exchange(m_handOverFd, -1));
    if (error == EINTR)
        return Error{ErrorCode::Interrupted, "interrupted while handing the holder over"};
    if (error == 0)
        return {};
    // The child closed its end: it has ended, or is ending, without serving. What it did is its
    // exit status, not the pipe's errno (a `shm-create --remove` that stopped it in this gap).
    auto status = waitForChild(m_pid, kStopGraceMs);
    if (!status)
        status = stopChild(m_pid, m_pid, kStopGraceMs);
    m_ended = true;
    const std::string holder = "its holder (PID " + std::to_string(m_pid) + ")";
    if (WIFEXITED(*status) && WEXITSTATUS(*status) == static_cast<int>(ErrorCode::Interrupted))
        return Error{ErrorCode::Interrupted,
                     holder + " was stopped by a signal (from 'shm-create --remove' or kill) before it was handed "
                              "over, and removed the segment again; no holder runs"};
    if (WIFSIGNALED(*status))
        return Error{ErrorCode::Failure, holder + " was killed by SIG" + sigabbrev_np(WTERMSIG(*status)) +
                                             " before it was handed over; what it held is an orphan now "
                                             "(the next shm-create adopts it, 'shm-create --remove' removes it)"};
    return Error{ErrorCode::Failure, holder + " ended before it was handed over (exit status " +
                                         std::to_string(WIFEXITED(*status) ? WEXITSTATUS(*status) : -1) + ")" +
                                         (error == EPIPE ? std::string() : std::string(": ") + std::strerror(error))};
}

void stopBackground(pid_t pid)
{
    stopChild(pid, pid, kStopGraceMs);
}

shmtools::Result<BackgroundProcess> runInBackground(const std::function<shmtools::Result<std::string>()> &startUp,
                                                    const std::function<int()> &serve,
                                                    const std::function<void()> &abandon)
{
    int reportPipe[2];
    if (::pipe2(reportPipe, O_CLOEXEC) != 0)
        return Error{ErrorCode::Failure, pipeFailure(errno)};
    int handOverPipe[2];
    if (::pipe2(handOverPipe, O_CLOEXEC) != 0) {
        const int error = errno;
        ::close(reportPipe[0]);
        ::close(reportPipe[1]);
        return Error{ErrorCode::Failure, pipeFailure(error)};
    }
    const pid_t child = ::fork();
    if (child < 0) {
        const int error = errno;
        for (int fd : {reportPipe[0], reportPipe[1], handOverPipe[0], handOverPipe[1]})
            ::close(fd);
        if (error == EAGAIN)
            return Error{ErrorCode::Failure, taskLimitMessage("cannot start the background holder")};
        return Error{ErrorCode::Failure, std::string("fork: ") + std::strerror(error)};
    }
    if (child == 0) {
        // Only the parent may hold the hand-over pipe's write end: its closing is the signal.
        ::close(reportPipe[0]);
        ::close(handOverPipe[1]);
        runChild(reportPipe[1], handOverPipe[0], startUp, serve, abandon);
    }
    ::close(reportPipe[1]);
    ::close(handOverPipe[0]);
    const auto bytes = readAll(reportPipe[0]);
    ::close(reportPipe[0]);
    if (!bytes) {
        // The child is in a session of its own, so the signal did not reach it: stop it, and
        // with it whatever it has created so far.
        ::close(handOverPipe[1]);
        stopBackground(child);
        return Error{ErrorCode::Interrupted,
                     "interrupted while the holder was starting; stopped it (PID " + std::to_string(child) + ")",
                     {},
                     child};
    }
    const auto report = decodeStartReport(*bytes);
    if (report && report->ready)
        return BackgroundProcess(child, report->readyMessage, handOverPipe[1]);
    ::close(handOverPipe[1]);
    waitForChild(child, -1);
    if (bytes->empty())
        return Error{ErrorCode::Failure, "the background holder died while starting"};
    if (!report)
        return Error{ErrorCode::Failure, "the background holder's report of its start-up is unreadable (" +
                                             std::to_string(bytes->size()) + " bytes)"};
    return report->error;
}
