// SPDX-License-Identifier: BSD-3-Clause
// Wake-up latency and idle CPU of `shm-read --follow`, for scripts/bench.sh: what hyperfine,
// which times whole processes, cannot see.
//
//   bench_follow BIN_DIR KEY FILE SHIM EVENTS IDLE_SECONDS
//
// KEY is held (shm-create -d) by the caller; FILE is a small input. For `shm-read --follow` and
// `shm-read --follow --exec cat`, EVENTS times (after one warm-up): wait until the follower sleeps
// in the futex, note t0, start `shm-load -q -k KEY FILE` with SHIM preloaded (it stamps
// CLOCK_MONOTONIC right before shm-load's FUTEX_WAKE), and read the follower's output until all
// of FILE arrived. publish → output (the stamp to the arrival) is the wake-up latency: the
// reader's wake-up, lock, pin, checksum, write, and this program's own wake-up. Then a fresh
// follower sits idle for IDLE_SECONDS and its CPU time is read from /proc. Prints one JSON
// object; times in ns. SIGINT/SIGTERM/SIGHUP stop the follower and the loader first.
#include "timing.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern char **environ;

namespace {

volatile sig_atomic_t g_follower = 0;
volatile sig_atomic_t g_loader = 0;
char g_log[4096]; // the publish log, removed on every way out

// Async-signal-safe: what the handler and die() both do.
void stopChildren()
{
    ::unlink(g_log);
    if (g_follower > 0)
        ::kill(g_follower, SIGTERM);
    if (g_loader > 0)
        ::kill(g_loader, SIGTERM);
}

// Dies of the signal, so that bench.sh's bash sees its child was interrupted.
void stopChildrenAndDie(int signal)
{
    stopChildren();
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_follow: %s\n", what.c_str());
    stopChildren();
    std::exit(1);
}

// Starts argv with stdin /dev/null and stdout `out`; extra environment entries in `env`. A
// follower's stderr is /dev/null (its "interrupted" line when stopped is expected; its exit
// status is checked).
pid_t spawn(const std::vector<std::string> &argv, int out, const std::vector<std::string> &env = {},
            bool quiet = false)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out, 1);
    if (quiet)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::vector<char *> args;
    for (const std::string &arg : argv)
        args.push_back(const_cast<char *>(arg.c_str()));
    args.push_back(nullptr);
    std::vector<char *> envp;
    for (char **e = environ; *e; ++e)
        envp.push_back(*e);
    for (const std::string &entry : env)
        envp.push_back(const_cast<char *>(entry.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        die("cannot start " + argv[0]);
    return pid;
}

int exitStatus(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid failed");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The follower is ready for the next version once its main thread sleeps in FUTEX_WAIT.
bool waitingInFutex(pid_t pid)
{
    return slurp("/proc/" + std::to_string(pid) + "/wchan").find("futex") != std::string::npos;
}

struct Cpu {
    std::int64_t onCpuNs = 0;
    std::int64_t switches = 0;
    int threads = 0;
};

// On-CPU time (schedstat) and context switches, summed over the process's threads.
Cpu cpuOf(pid_t pid)
{
    Cpu cpu;
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR *dir = ::opendir(tasks.c_str());
    if (!dir)
        die("cannot read " + tasks);
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        const std::string task = tasks + "/" + entry->d_name;
        cpu.onCpuNs += std::atoll(slurp(task + "/schedstat").c_str());
        std::istringstream status(slurp(task + "/status"));
        for (std::string line; std::getline(status, line);)
            if (line.find("ctxt_switches:") != std::string::npos)
                cpu.switches += std::atoll(line.substr(line.find(':') + 1).c_str());
        ++cpu.threads;
    }
    ::closedir(dir);
    return cpu;
}

// Reads `size` bytes from fd within 10 s.
void readExactly(int fd, off_t size)
{
    std::vector<char> buffer(64 << 10);
    for (off_t got = 0; got < size;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10000) != 1)
            die("no output from the follower within 10 s");
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0)
            die("the follower closed its output");
        got += n;
    }
}

std::int64_t percentile(std::vector<std::int64_t> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

struct Config {
    std::string bin, key, file, shim;
    int events = 0;
    off_t size = 0;
    int devnull = -1;
};

// One follower (extra options after --follow), EVENTS timed publishes; prints one JSON object.
void latency(const Config &config, const std::vector<std::string> &extra, const char *label)
{
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        die("pipe");
    std::vector<std::string> argv{config.bin + "/shm-read", "-q", "-k", config.key, "--follow"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    g_follower = spawn(argv, out[1], {}, true);
    ::close(out[1]);
    const std::vector<std::string> load{config.bin + "/shm-load", "-q", "-k", config.key, config.file};
    const std::vector<std::string> env{"LD_PRELOAD=" + config.shim, "SHM_BENCH_PUBLISH_LOG=" + std::string(g_log)};
    std::mt19937 random(std::random_device{}());
    std::vector<std::int64_t> wake, e2e;
    Cpu before;
    for (int event = 0; event <= config.events; ++event) {
        const std::int64_t deadline = nowNs() + 5'000'000'000;
        while (!waitingInFutex(g_follower) && nowNs() < deadline)
            ::usleep(500);
        if (event == 1)
            before = cpuOf(g_follower);
        ::close(::open(g_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        const std::int64_t t0 = nowNs();
        g_loader = spawn(load, config.devnull, env);
        readExactly(out[0], config.size);
        const std::int64_t arrived = nowNs();
        const pid_t loader = g_loader;
        if (exitStatus(loader) != 0)
            die("shm-load failed");
        g_loader = 0;
        const std::int64_t published = std::atoll(slurp(g_log).c_str());
        if (event > 0) {
            e2e.push_back(arrived - t0);
            if (published > 0)
                wake.push_back(arrived - published);
        }
        // Off the timer ticks: a random pause of 2 to 5 ms.
        ::usleep(std::uniform_int_distribution<int>(2000, 5000)(random));
    }
    ::usleep(50000); // the last --exec child has finished
    const Cpu after = cpuOf(g_follower);
    ::kill(g_follower, SIGTERM);
    const int status = exitStatus(g_follower);
    g_follower = 0;
    ::close(out[0]);
    if (status != 130)
        die(std::string(label) + " exited " + std::to_string(status) + " on SIGTERM, not 130");
    if (wake.empty())
        die("the publish stamp shim logged nothing (is it preloaded?)");
    std::printf("{\"label\": \"%s\", \"events\": %d, \"wake_median\": %lld, \"wake_p99\": %lld, "
                "\"e2e_median\": %lld, \"reader_cpu_per_event\": %lld}",
                label, config.events, static_cast<long long>(median(wake)),
                static_cast<long long>(percentile(wake, 0.99)), static_cast<long long>(median(e2e)),
                static_cast<long long>((after.onCpuNs - before.onCpuNs) / config.events));
}

// A follower with nothing to do: its CPU time over `seconds`.
void idle(const Config &config, int seconds)
{
    g_follower = spawn({config.bin + "/shm-read", "-q", "-k", config.key, "--follow"}, config.devnull, {}, true);
    ::usleep(500000); // past its start-up
    const Cpu before = cpuOf(g_follower);
    ::sleep(static_cast<unsigned>(seconds));
    const Cpu after = cpuOf(g_follower);
    ::kill(g_follower, SIGTERM);
    exitStatus(g_follower);
    g_follower = 0;
    std::printf("{\"seconds\": %d, \"threads\": %d, \"oncpu\": %lld, \"switches\": %lld}", seconds,
                after.threads, static_cast<long long>(after.onCpuNs - before.onCpuNs),
                static_cast<long long>(after.switches - before.switches));
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 7) {
        std::fprintf(stderr, "usage: bench_follow BIN_DIR KEY FILE SHIM EVENTS IDLE_SECONDS\n");
        return 2;
    }
    for (const int signal : {SIGINT, SIGTERM, SIGHUP})
        ::signal(signal, stopChildrenAndDie);
    Config config{argv[1], argv[2], argv[3], argv[4], std::atoi(argv[5]), 0,
                  ::open("/dev/null", O_WRONLY | O_CLOEXEC)};
    struct stat input{};
    if (::stat(config.file.c_str(), &input) != 0 || config.events < 1)
        die("cannot stat " + config.file + ", or EVENTS < 1");
    config.size = input.st_size;
    const char *tmp = std::getenv("TMPDIR");
    std::snprintf(g_log, sizeof g_log, "%s/bench-publish-%d", tmp && *tmp ? tmp : "/tmp", int(::getpid()));
    std::printf("{\"latency\": [");
    latency(config, {}, "shm-read --follow");
    std::printf(", ");
    latency(config, {"--exec", "cat"}, "shm-read --follow --exec cat");
    std::printf("], \"idle\": ");
    idle(config, std::atoi(argv[6]));
    std::printf("}\n");
    ::unlink(g_log);
    return 0;
}
