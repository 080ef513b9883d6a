// SPDX-License-Identifier: BSD-3-Clause
#include "support/process_support.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace shmtest {

namespace {

// After the process exits, its output pipes normally hit EOF at once; a background process it
// started with inherited stdio would keep them open forever, so stop collecting after this.
constexpr double kPipeGraceSeconds = 2.0;

std::string errnoText(const char *what)
{
    return std::string(what) + ": " + std::strerror(errno);
}

void setNonBlocking(int fd)
{
    const int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void decodeStatus(int status, ProcessResult &result)
{
    if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
        result.termSignal = 0;
    } else if (WIFSIGNALED(status)) {
        result.exitCode = -1;
        result.termSignal = WTERMSIG(status);
    }
}

std::vector<std::string> makeEnvironment(const RunOptions &options)
{
    std::vector<std::string> env;
    for (char **entry = environ; entry && *entry; ++entry) {
        const std::string_view item(*entry);
        const std::string name(item.substr(0, item.find('=')));
        const bool dropped =
            std::find(options.unsetEnv.begin(), options.unsetEnv.end(), name) != options.unsetEnv.end() ||
            std::any_of(options.env.begin(), options.env.end(), [&](const auto &pair) { return pair.first == name; });
        if (!dropped)
            env.emplace_back(item);
    }
    for (const auto &[name, value] : options.env)
        env.push_back(name + "=" + value);
    return env;
}

} // namespace

void initProcessSupport()
{
    static const bool done = [] {
        // A test that closes a child's stdin early must see EPIPE, not die of SIGPIPE.
        std::signal(SIGPIPE, SIG_IGN);
        // Detached holders are re-parented to us, so we can reap them and see their exit code.
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        return true;
    }();
    (void)done;
}

double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

const char *toolName(Tool tool)
{
    switch (tool) {
    case Tool::Create: return "shm-create";
    case Tool::Load: return "shm-load";
    case Tool::Read: return "shm-read";
    case Tool::QtPeer: return "qt_peer";
    }
    return "?";
}

std::string binary(Tool tool)
{
    switch (tool) {
    case Tool::Create: return SHM_CREATE_BIN;
    case Tool::Load: return SHM_LOAD_BIN;
    case Tool::Read: return SHM_READ_BIN;
    case Tool::QtPeer: return QT_PEER_BIN;
    }
    return {};
}

int ProcessResult::errLines() const
{
    int lines = static_cast<int>(std::count(err.begin(), err.end(), '\n'));
    if (!err.empty() && err.back() != '\n')
        ++lines;
    return lines;
}

std::string escaped(std::string_view bytes, size_t limit)
{
    std::string text;
    for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == '\n') {
            text += "\\n\n";
        } else if (c == '\\') {
            text += "\\\\";
        } else if (c >= 0x20 && c < 0x7f) {
            text += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            text += hex;
        }
    }
    if (bytes.size() > limit)
        text += "... (" + std::to_string(bytes.size()) + " bytes in all)";
    return text;
}

std::string describe(const ProcessResult &result)
{
    std::ostringstream text;
    text << "$";
    for (const auto &arg : result.argv)
        text << " '" << arg << "'";
    text << "\n  pid " << result.pid;
    if (result.timedOut)
        text << ", TIMED OUT (killed)";
    if (result.termSignal)
        text << ", killed by signal " << result.termSignal << " (" << strsignal(result.termSignal) << ")";
    else
        text << ", exit code " << result.exitCode;
    if (result.pipesHeldOpen)
        text << ", stdout/stderr held open after exit";
    text << ", " << result.seconds << " s\n  stdout (" << result.out.size() << " bytes): " << escaped(result.out, 600)
         << "\n  stderr (" << result.err.size() << " bytes): " << escaped(result.err, 2000);
    return text.str();
}

ProcessResult run(const std::vector<std::string> &argv, const RunOptions &options)
{
    RunOptions effective = options;
    if (!effective.stdinData && !effective.stdinFile)
        effective.stdinFile = "/dev/null";
    Child child(argv, effective);
    return child.wait(effective.timeoutSeconds);
}

ProcessResult run(Tool tool, const std::vector<std::string> &args, const RunOptions &options)
{
    std::vector<std::string> argv{binary(tool)};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
}

Child::Child(const std::vector<std::string> &argv, const RunOptions &options)
{
    start(argv, options);
}

Child::Child(Tool tool, const std::vector<std::string> &args, const RunOptions &options)
{
    std::vector<std::string> argv{binary(tool)};
    argv.insert(argv.end(), args.begin(), args.end());
    start(argv, options);
}

void Child::start(const std::vector<std::string> &argv, const RunOptions &options)
{
    initProcessSupport();
    m_result.argv = argv;
    if (argv.empty())
        throw std::runtime_error("Child: empty argv");

    int in[2] = {-1, -1}, out[2], err[2];
    const bool stdinPipe = !options.stdinFile;
    if ((stdinPipe && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error(errnoText("pipe2"));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdinPipe)
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    else
        posix_spawn_file_actions_addopen(&actions, 0, options.stdinFile->c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);

    // The child starts with default dispositions and an empty mask whatever the test runner
    // installed, and in a process group of its own so that a timeout can kill what it started.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

    std::vector<char *> args;
    for (const auto &arg : argv)
        args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> envStrings = makeEnvironment(options);
    std::vector<char *> envp;
    for (auto &entry : envStrings)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    m_startedAt = now();
    const int rc = posix_spawn(&m_pid, argv[0].c_str(), &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (stdinPipe)
        close(in[0]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        if (stdinPipe)
            close(in[1]);
        close(out[0]);
        close(err[0]);
        m_pid = 0;
        m_reaped = true;
        throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
    m_result.pid = m_pid;
    m_stdin = stdinPipe ? in[1] : -1;
    m_stdout = out[0];
    m_stderr = err[0];
    for (int fd : {m_stdin, m_stdout, m_stderr})
        if (fd >= 0)
            setNonBlocking(fd);
    if (stdinPipe && options.stdinData) {
        m_pendingStdin = *options.stdinData;
        m_closeStdinWhenDrained = true;
    }
}

Child::~Child()
{
    if (!m_reaped && m_pid > 0) {
        kill(-m_pid, SIGKILL);
        kill(m_pid, SIGKILL);
        int status = 0;
        while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    closeAll();
}

void Child::closeAll()
{
    for (int *fd : {&m_stdin, &m_stdout, &m_stderr}) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
    }
}

bool Child::signal(int sig)
{
    if (m_reaped)
        return false;
    return kill(m_pid, sig) == 0;
}

void Child::writeStdin(std::string_view data)
{
    m_pendingStdin.append(data);
    pump(0);
}

void Child::closeStdin()
{
    m_closeStdinWhenDrained = true;
    if (m_pendingStdin.empty() && m_stdin >= 0) {
        close(m_stdin);
        m_stdin = -1;
    }
}

void Child::pump(int waitMs)
{
    if (m_stdin >= 0 && m_pendingStdin.empty() && m_closeStdinWhenDrained) {
        close(m_stdin);
        m_stdin = -1;
    }
    pollfd fds[3];
    int count = 0;
    if (m_stdin >= 0 && !m_pendingStdin.empty())
        fds[count++] = {m_stdin, POLLOUT, 0};
    if (m_stdout >= 0)
        fds[count++] = {m_stdout, POLLIN, 0};
    if (m_stderr >= 0)
        fds[count++] = {m_stderr, POLLIN, 0};
    // Short slices: the exit of the process is noticed by waitpid below, not by poll.
    const int slice = std::min(waitMs, 10);
    if (count > 0)
        poll(fds, static_cast<nfds_t>(count), slice);
    else if (slice > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(slice));

    for (int i = 0; i < count; ++i) {
        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == m_stdin) {
            const ssize_t n = write(m_stdin, m_pendingStdin.data(), m_pendingStdin.size());
            if (n > 0) {
                m_pendingStdin.erase(0, static_cast<size_t>(n));
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                // The child closed its stdin (EPIPE): what it did not read is its business.
                m_pendingStdin.clear();
                close(m_stdin);
                m_stdin = -1;
                continue;
            }
            if (m_pendingStdin.empty() && m_closeStdinWhenDrained) {
                close(m_stdin);
                m_stdin = -1;
            }
            continue;
        }
        int &fd = fds[i].fd == m_stdout ? m_stdout : m_stderr;
        std::string &sink = fds[i].fd == m_stdout ? m_result.out : m_result.err;
        char buffer[65536];
        for (;;) {
            const ssize_t n = read(fd, buffer, sizeof buffer);
            if (n > 0) {
                sink.append(buffer, static_cast<size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close(fd);
                fd = -1;
            }
            break;
        }
    }

    if (!m_reaped) {
        int status = 0;
        const pid_t r = waitpid(m_pid, &status, WNOHANG);
        if (r == m_pid) {
            m_reaped = true;
            decodeStatus(status, m_result);
            m_result.seconds = now() - m_startedAt;
        }
    }
}

bool Child::running()
{
    pump(0);
    return !m_reaped;
}

bool Child::waitFor(int stream, std::string_view needle, double timeoutSeconds)
{
    const double deadline = now() + timeoutSeconds;
    const std::string &text = stream == 1 ? m_result.out : m_result.err;
    for (;;) {
        if (text.find(needle) != std::string::npos)
            return true;
        const int fd = stream == 1 ? m_stdout : m_stderr;
        if ((m_reaped && fd < 0) || now() >= deadline)
            return false;
        if (m_reaped && now() - m_startedAt - m_result.seconds > kPipeGraceSeconds)
            return false;
        pump(10);
    }
}

ProcessResult Child::wait(double timeoutSeconds)
{
    const double deadline = now() + timeoutSeconds;
    while (!m_reaped && now() < deadline)
        pump(10);
    if (!m_reaped) {
        m_result.timedOut = true;
        kill(-m_pid, SIGKILL);
        kill(m_pid, SIGKILL);
        int status = 0;
        while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
        }
        m_reaped = true;
        decodeStatus(status, m_result);
        m_result.seconds = now() - m_startedAt;
    }
    // Drain what is left in the pipes; stop if a descendant keeps them open.
    const double graceEnd = now() + (m_result.timedOut ? 0.2 : kPipeGraceSeconds);
    while ((m_stdout >= 0 || m_stderr >= 0) && now() < graceEnd)
        pump(10);
    if (m_stdout >= 0 || m_stderr >= 0)
        m_result.pipesHeldOpen = true;
    closeAll();
    return m_result;
}

bool processAlive(pid_t pid)
{
    if (pid <= 0)
        return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!stat || !std::getline(stat, line))
        return false;
    const auto paren = line.rfind(')');
    if (paren == std::string::npos || paren + 2 >= line.size())
        return false;
    const char state = line[paren + 2];
    return state != 'Z' && state != 'X';
}

Disappearance waitGone(pid_t pid, double timeoutSeconds)
{
    initProcessSupport();
    Disappearance result;
    const double deadline = now() + timeoutSeconds;
    for (;;) {
        int status = 0;
        const pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            result.gone = true;
            result.reaped = true;
            ProcessResult decoded;
            decodeStatus(status, decoded);
            result.exitCode = decoded.exitCode;
            result.termSignal = decoded.termSignal;
            return result;
        }
        // Not (yet) our child: a zombie of another parent has finished all the same. But it
        // may still become ours (re-parented when its parent exits), so keep trying to reap.
        if (r < 0 && !processAlive(pid)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (waitpid(pid, &status, WNOHANG) == pid) {
                ProcessResult decoded;
                decodeStatus(status, decoded);
                result.reaped = true;
                result.exitCode = decoded.exitCode;
                result.termSignal = decoded.termSignal;
            }
            result.gone = true;
            return result;
        }
        if (now() >= deadline)
            return result;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace shmtest
