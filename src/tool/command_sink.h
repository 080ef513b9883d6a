// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <csignal>
#include <cstdint>
#include <string>
#include <sys/types.h>

/// `sh -c command` with SHM_GENERATION in its environment and a pipe to its stdin: the sink of
/// `shm-read --follow --exec`. The command runs in a process group of its own, so that
/// stopping it stops whatever it started too. While it runs, SIGPIPE is ignored, so a command
/// that does not read all of its input is not an error; then it is as it was before.
class CommandSink {
public:
    /// Starts the command. Failure if it cannot be started.
    static shmtools::Result<CommandSink> start(const std::string &command, std::uint64_t generation);
    CommandSink(CommandSink &&other) noexcept;
    CommandSink &operator=(CommandSink &&) = delete;
    ~CommandSink();

    /// Where the content goes.
    int fd() const { return m_fd; }
    /// Closes its stdin and waits for it: its exit status, 128+N if killed by signal N. If an
    /// interrupt signal (<shmtools/interrupt.h>) has arrived or arrives meanwhile, the command is stopped
    /// instead (SIGTERM to its process group, SIGKILL if it lingers).
    int finish();

private:
    using SignalHandler = void (*)(int);
    CommandSink(pid_t pid, int fd, SignalHandler pipeSignalBefore)
        : m_pid(pid), m_fd(fd), m_pipeSignalBefore(pipeSignalBefore)
    {
    }
    pid_t m_pid = -1;
    int m_fd = -1;
    SignalHandler m_pipeSignalBefore = SIG_DFL; ///< SIGPIPE's disposition before start()
};
