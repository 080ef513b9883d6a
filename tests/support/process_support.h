// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Runs the real binaries as separate processes (posix_spawn, pipes, a poll loop and a hard
// timeout), so that tests see exactly what a shell would: exit codes, signals, stdout, stderr.

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace shmtest {

/// The programs under test, plus the Qt peer that stands in for a foreign Qt application.
enum class Tool { Create, Load, Read, QtPeer };

/// The name a tool calls itself in its messages ("shm-load").
const char *toolName(Tool tool);

/// Absolute path of TOOL's binary in the build tree (from the CMake-defined macros).
std::string binary(Tool tool);

struct ProcessResult {
    int exitCode = -1;          ///< exit status, or -1 if the process was killed by a signal
    int termSignal = 0;         ///< the signal that ended it, 0 if it exited
    std::string out, err;       ///< everything it wrote, binary-safe
    bool timedOut = false;      ///< it outlived the timeout and was SIGKILLed
    bool pipesHeldOpen = false; ///< it exited but something it started kept stdout/stderr open
    double seconds = 0;         ///< wall time from spawn to reaping
    pid_t pid = 0;              ///< its process id while it ran
    std::vector<std::string> argv;

    /// Exited normally with CODE (not signalled, not timed out).
    bool exited(int code) const { return !timedOut && termSignal == 0 && exitCode == code; }
    /// Number of '\n'-terminated lines on stderr (a trailing fragment counts as one).
    int errLines() const;
};

struct RunOptions {
    std::optional<std::string> stdinData;                 ///< fed through a pipe, then closed
    std::optional<std::string> stdinFile;                 ///< opened read-only as stdin (a real file, seekable)
    std::vector<std::pair<std::string, std::string>> env; ///< set or override
    std::vector<std::string> unsetEnv;                    ///< removed from the inherited environment
    double timeoutSeconds = 60;
};
// Without stdinData or stdinFile, run() gives the process /dev/null as stdin so that nothing can
// hang on it, while a Child gets a pipe that stays open until closeStdin().

/// Runs ARGV to completion (or the timeout, after which it is SIGKILLed with its process group).
/// Throws std::runtime_error only if the process cannot be started at all.
ProcessResult run(const std::vector<std::string> &argv, const RunOptions &options = {});

/// run() for one of the tools: binary(TOOL) followed by ARGS.
ProcessResult run(Tool tool, const std::vector<std::string> &args, const RunOptions &options = {});

/// Command, exit status, timing and both streams (escaped, truncated), for INFO() and messages.
std::string describe(const ProcessResult &result);

/// Printable form of possibly binary BYTES, cut after LIMIT bytes.
std::string escaped(std::string_view bytes, size_t limit = 2000);

/// A process that runs in the background while the test goes on. Its stdout and stderr are
/// collected as they come; its stdin stays a pipe until closeStdin(). The destructor SIGKILLs
/// and reaps it if the test did not wait for it.
class Child {
public:
    Child(const std::vector<std::string> &argv, const RunOptions &options = {});
    Child(Tool tool, const std::vector<std::string> &args, const RunOptions &options = {});
    ~Child();
    Child(const Child &) = delete;
    Child &operator=(const Child &) = delete;

    pid_t pid() const { return m_pid; }
    /// Sends SIG to the process (not its group). False if it is already reaped.
    bool signal(int sig);
    void writeStdin(std::string_view data);
    void closeStdin();
    /// Collects output until STREAM's text (1 = stdout, 2 = stderr) contains NEEDLE, the process
    /// ends, or TIMEOUT passes. True if the needle was seen.
    bool waitFor(int stream, std::string_view needle, double timeoutSeconds = 30);
    /// True while the process has not exited (collects pending output as a side effect).
    bool running();
    /// Output so far.
    const std::string &out() const { return m_result.out; }
    const std::string &err() const { return m_result.err; }
    /// Waits for it to end; after TIMEOUT it is SIGKILLed and the result says timedOut.
    ProcessResult wait(double timeoutSeconds = 60);

private:
    void start(const std::vector<std::string> &argv, const RunOptions &options);
    /// One round of the poll loop, at most WAITMS long. Reaps the process if it has exited.
    void pump(int waitMs);
    void closeAll();

    pid_t m_pid = 0;
    bool m_reaped = false;
    int m_stdin = -1, m_stdout = -1, m_stderr = -1;
    std::string m_pendingStdin;
    bool m_closeStdinWhenDrained = false;
    double m_startedAt = 0;
    ProcessResult m_result;
};

/// True if PID names a live process (not a zombie).
bool processAlive(pid_t pid);

/// How a process that is not (necessarily) our own child went away.
struct Disappearance {
    bool gone = false;   ///< it no longer runs (or is a zombie)
    bool reaped = false; ///< we reaped it, so exitCode/termSignal are known
    int exitCode = -1;
    int termSignal = 0;
};

/// Waits up to TIMEOUT for PID to be gone, reaping it if it has become our child (the test
/// process is a child subreaper, so detached holders end up as our children).
Disappearance waitGone(pid_t pid, double timeoutSeconds = 30);

/// Makes this process a child subreaper and ignores SIGPIPE; run() and Child call it, tests may
/// call it early. Idempotent.
void initProcessSupport();

/// Monotonic seconds, for timing assertions.
double now();

} // namespace shmtest
