// SPDX-License-Identifier: BSD-3-Clause
#include "command_sink.h"

#include "child_process.h"
#include "standard_streams.h"
#include "task_limit.h"
#include "write_failure.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::interruptibleCall;
using shmtools::interruptSignal;

namespace {
// How long a command may take to end on SIGTERM: the tool itself must end within a second.
constexpr int kStopGraceMs = 500;
} // namespace

shmtools::Result<CommandSink> CommandSink::start(const std::string &command, std::uint64_t generation)
{
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0)
        return Error{ErrorCode::Failure, errno == EMFILE || errno == ENFILE
                                             ? descriptorLimitText("--exec: cannot create a pipe", errno)
                                             : std::string("--exec: pipe: ") + std::strerror(errno)};
    const std::string generationText = std::to_string(generation);
    const pid_t child = ::fork();
    if (child < 0) {
        const int error = errno;
        ::close(pipeFds[0]);
        ::close(pipeFds[1]);
        if (error == EAGAIN)
            return Error{ErrorCode::Failure, taskLimitMessage("--exec: cannot start '" + command + "'")};
        return Error{ErrorCode::Failure, std::string("--exec: fork: ") + std::strerror(error)};
    }
    if (child == 0) {
        ::setpgid(0, 0);
        ::dup2(pipeFds[0], STDIN_FILENO);
        ::setenv("SHM_GENERATION", generationText.c_str(), 1);
        restoreInheritedSignals();
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char *>(nullptr));
        ::_exit(127);
    }
    ::setpgid(child, child); // also here: the group must exist before we may signal it
    ::close(pipeFds[0]);
    const SignalHandler pipeSignalBefore = std::signal(SIGPIPE, SIG_IGN);
    return CommandSink(child, pipeFds[1], pipeSignalBefore);
}

CommandSink::CommandSink(CommandSink &&other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_fd(std::exchange(other.m_fd, -1)),
      m_pipeSignalBefore(other.m_pipeSignalBefore)
{
}

CommandSink::~CommandSink()
{
    finish();
}

int CommandSink::finish()
{
    if (m_fd >= 0)
        ::close(std::exchange(m_fd, -1));
    if (m_pid < 0)
        return 0;
    int status = 0;
    for (;;) {
        if (interruptibleCall([&]() -> long { return ::waitpid(m_pid, &status, 0); }) >= 0)
            break;
        if (errno == EINTR && interruptSignal()) {
            status = stopChild(m_pid, -m_pid, kStopGraceMs);
            break;
        }
        if (errno != EINTR)
            break;
    }
    m_pid = -1;
    // As it was: a tool started with SIGPIPE ignored (nohup, a service) keeps it ignored.
    std::signal(SIGPIPE, m_pipeSignalBefore);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
