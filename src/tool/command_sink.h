#pragma once

#include "result.h"

#include <cstdint>
#include <string>
#include <sys/types.h>

/// `sh -c command` with SHM_GENERATION in its environment and a pipe to its stdin: the sink of
/// `shm-read --follow --exec`. While it runs, SIGPIPE is ignored, so a command that does not
/// read all of its input is not an error.
class CommandSink {
public:
    /// Starts the command. Failure if it cannot be started.
    static Result<CommandSink> start(const std::string &command, std::uint64_t generation);
    CommandSink(CommandSink &&other) noexcept;
    CommandSink &operator=(CommandSink &&) = delete;
    ~CommandSink();

    /// Where the content goes.
    int fd() const { return m_fd; }
    /// Closes its stdin and waits for it: its exit status, 128+N if killed by signal N.
    int finish();

private:
    CommandSink(pid_t pid, int fd) : m_pid(pid), m_fd(fd) {}
    pid_t m_pid = -1;
    int m_fd = -1;
};
