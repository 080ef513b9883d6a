// SPDX-License-Identifier: BSD-3-Clause
// Ctrl-C and SIGTERM end every tool promptly (exit 130) in every phase, stopping what it started:
// a write blocked on a full pipe, a detached holder still starting, an --exec command that does
// not end. And a signal ignored by whoever started the tool (nohup) stays ignored.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/proc_state_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtest;

namespace {

// "Promptly" is within 1 s; the bound leaves room for ASan on a loaded machine.
constexpr double kPrompt = 5;

RunOptions hangGuard()
{
    RunOptions options;
    options.timeoutSeconds = 40;
    return options;
}

/// A FIFO that the test keeps open for reading but never reads: a writer fills it and blocks.
class StuckPipe {
public:
    explicit StuckPipe(const ScratchDir &dir) : m_path(dir.path() + "/stuck")
    {
        REQUIRE(::mkfifo(m_path.c_str(), 0600) == 0);
        m_fd = ::open(m_path.c_str(), O_RDWR | O_CLOEXEC); // never blocks, never sees EOF
        REQUIRE(m_fd >= 0);
    }
    ~StuckPipe() { ::close(m_fd); }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
    int m_fd = -1;
};

/// ARGS run by the shell with stdout redirected to PATH (exec: the child's PID is the tool's).
std::vector<std::string> withStdoutTo(Tool tool, const std::vector<std::string> &args, const std::string &path)
{
    std::vector<std::string> argv{"/bin/sh", "-c", "out=$1; shift; exec \"$@\" > \"$out\"", "sh", path, binary(tool)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// A signal mask line of /proc/PID/status ("SigIgn:", "SigCgt:") as bits (signal N is bit N-1).
unsigned long long signalMask(pid_t pid, const std::string &field)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind(field, 0) == 0)
            return std::stoull(line.substr(field.size()), nullptr, 16);
    return 0;
}

} // namespace

TEST_CASE("shm-read blocked writing to a full pipe exits 130 at once on SIGINT and SIGTERM", "[signals]")
{
    const bool raw = GENERATE(false, true);
    const int sig = GENERATE(SIGINT, SIGTERM);
    CAPTURE(raw, strsignal(sig));
    const std::string key = uniqueKey("blockedout");
    HolderOptions options = HolderOptions::sized("4M");
    if (raw)
        options.extraArgs.push_back("--raw");
    Holder holder(key, options);
    const std::string content(3 << 20, 'x'); // more than the largest pipe the reader can ask for
    REQUIRE_EXIT(loadStdin(key, content, raw ? std::vector<std::string>{"--raw"} : std::vector<std::string>{}), 0);

    ScratchDir dir;
    StuckPipe pipe(dir);
    std::vector<std::string> args{"-k", key};
    if (raw)
        args.push_back("--raw");
    Child reader(withStdoutTo(Tool::Read, args, pipe.path()), hangGuard());
    REQUIRE(waitUntilSleepingIn(reader.pid(), {"pipe_write", "pipe_wait"}));

    const double sent = now();
    REQUIRE(reader.signal(sig));
    const ProcessResult result = reader.wait(30);
    CHECK_EXIT(result, 130);
    CHECK(now() - sent < kPrompt);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("interrupted"));
}

TEST_CASE("shm-load blocked reading a silent producer exits 130 at once on SIGINT and SIGTERM", "[signals]")
{
    const int sig = GENERATE(SIGINT, SIGTERM);
    CAPTURE(strsignal(sig));
    const std::string key = uniqueKey("blockedin");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    Child loader(Tool::Load, {"-k", key, "-"}, hangGuard()); // its stdin stays open and empty
    REQUIRE(waitUntilSleepingIn(loader.pid(), {"pipe_read", "pipe_wait"}));

    const double sent = now();
    REQUIRE(loader.signal(sig));
    const ProcessResult result = loader.wait(30);
    CHECK_EXIT(result, 130);
    CHECK(now() - sent < kPrompt);
    CHECK(readContent(key).out == "kept");
}

TEST_CASE("shm-create still starting answers SIGINT: the half-started holder is stopped and exits 130",
          "[signals][detach]")
{
    const bool detach = GENERATE(true, false);
    const int sig = GENERATE(SIGINT, SIGTERM);
    CAPTURE(detach, strsignal(sig));
    const std::string key = uniqueKey("startint");
    const KeyGuard guard(key);
    // A Qt program holds the lock of the dead holder's orphan, stopped: adopting it blocks until -t.
    LockedOrphan orphan(key);

    std::vector<std::string> args{"-k", key, "-s", "64K", "-t", "60"};
    if (detach)
        args.push_back("-d");
    Child starter(Tool::Create, args, hangGuard());
    // Detached, the start-up runs in a child while the parent waits for its report.
    pid_t starting = starter.pid();
    if (detach) {
        std::vector<pid_t> children;
        REQUIRE(waitUntil(
            [&] {
                children = childrenOf(starter.pid());
                return children.size() == 1;
            },
            30));
        starting = children[0];
        REQUIRE(waitUntilSleepingIn(starter.pid(), {"pipe_read", "pipe_wait"}));
    }
    REQUIRE(waitUntilSleepingIn(starting, {"sem"}));

    const double sent = now();
    REQUIRE(starter.signal(sig));
    const ProcessResult result = starter.wait(30);
    CHECK_EXIT(result, 130);
    CHECK(now() - sent < kPrompt);
    CHECK(result.out.empty()); // no PID of a holder that does not run
    CHECK(isOneLine(result.err));
    CHECK(waitGone(starting, 10).gone);

    // Nothing of the interrupted start stays in the way: once the locker is gone, the key can
    // be held again (Qt removes the orphan when the locker, its last user, detaches).
    REQUIRE(orphan.locker->signal(SIGCONT));
    REQUIRE(orphan.locker->signal(SIGTERM));
    CHECK_EXIT(orphan.locker->wait(20), 0);
    Holder next(key);
    CHECK(next.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("shm-read --follow --exec stops a command that does not end and exits 130 on SIGTERM", "[signals][follow]")
{
    const int sig = GENERATE(SIGINT, SIGTERM);
    CAPTURE(strsignal(sig));
    const std::string key = uniqueKey("execterm");
    Holder holder(key);
    ScratchDir dir;
    const std::string marker = dir.path() + "/started";
    // The command announces itself, then outlives any reasonable test unless stopped.
    Child follower(Tool::Read, {"-k", key, "--follow", "--exec", "echo $$ > " + marker + "; exec sleep 600"},
                   hangGuard());
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"futex"}));
    REQUIRE_EXIT(loadStdin(key, "one version"), 0);
    REQUIRE(waitUntil([&] { return ::access(marker.c_str(), R_OK) == 0 && !readFile(marker).empty(); }, 30));
    const pid_t command = std::stoi(readFile(marker));
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"wait"}));

    const double sent = now();
    REQUIRE(follower.signal(sig));
    const ProcessResult result = follower.wait(30);
    CHECK_EXIT(result, 130);
    CHECK(now() - sent < kPrompt);
    CHECK(waitGone(command, 10).gone);
}

TEST_CASE("a SIGHUP ignored by whoever started shm-create (nohup) stays ignored", "[signals][create]")
{
    const bool detach = GENERATE(false, true);
    CAPTURE(detach);
    const KeyGuard guard(uniqueKey("nohup"));
    const std::string &key = guard.key();
    std::vector<std::string> argv{"/bin/sh", "-c", "trap '' HUP; exec \"$@\"", "sh", binary(Tool::Create), "-k", key,
                                  "-s",      "64K"};
    if (detach)
        argv.push_back("-d");
    Child starter(argv, hangGuard());
    pid_t pid = starter.pid();
    if (detach) {
        const ProcessResult started = starter.wait(30);
        REQUIRE_EXIT(started, 0);
        pid = std::stoi(started.out);
    } else {
        REQUIRE(starter.waitFor(2, "ready", 30));
    }
    // The kernel's view: SIGHUP still ignored, not caught.
    CHECK((signalMask(pid, "SigIgn:") >> (SIGHUP - 1) & 1) == 1);
    CHECK((signalMask(pid, "SigCgt:") >> (SIGTERM - 1) & 1) == 1);
    REQUIRE(::kill(pid, SIGHUP) == 0);
    // The holder handles signals in order: had it taken SIGHUP, it would say so on stopping.
    REQUIRE(::kill(pid, SIGTERM) == 0);
    if (detach) {
        CHECK(waitGone(pid, 30).gone);
    } else {
        const ProcessResult result = starter.wait(30);
        CHECK_EXIT(result, 0);
        CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("stopped by SIGTERM"));
        CHECK_THAT(result.err, !Catch::Matchers::ContainsSubstring("SIGHUP"));
    }
    CHECK(!leftovers(key));
}
