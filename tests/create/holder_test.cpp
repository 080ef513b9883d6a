// SPDX-License-Identifier: BSD-3-Clause
// shm-create: one holder per key, a detached holder that really runs on, and a clean exit on
// SIGTERM, SIGINT and SIGHUP that leaves no segment, semaphore or key file behind.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <climits>
#include <csignal>
#include <unistd.h>

using namespace shmtest;

namespace {

std::string linkTarget(const std::string &path)
{
    char target[PATH_MAX];
    const ssize_t n = readlink(path.c_str(), target, sizeof target);
    return n < 0 ? std::string("(unreadable)") : std::string(target, static_cast<size_t>(n));
}

/// While a holder runs, our own derivation of its key files finds its segment and semaphore:
/// this is what makes the later !leftovers() checks meaningful.
void checkObjectsExist(const std::string &key)
{
    CHECK(currentShmid(key) != -1);
    CHECK(currentSemid(key) != -1);
    rememberIpc(key);
    CHECK(leftovers(key));
}

} // namespace

TEST_CASE("a second shm-create on a held key exits 4 naming the first holder's PID", "[create][errors]")
{
    const bool detach = GENERATE(false, true);
    CAPTURE(detach);
    const std::string key = uniqueKey("secondholder");
    Holder first(key);
    const std::string data = randomBytes(2000);
    CHECK_EXIT(loadStdin(key, data), 0);

    std::vector<std::string> args{"-k", key, "-s", "128K"};
    if (detach)
        args.push_back("-d");
    RunOptions options;
    options.timeoutSeconds = 20; // it must give up at once, not hold
    const ProcessResult second = run(Tool::Create, args, options);
    CHECK_EXIT(second, 4);
    INFO(describe(second));
    CHECK(second.out.empty());
    CHECK(isOneLine(second.err));
    CHECK(second.err.rfind("shm-create: " + key + ": ", 0) == 0);
    CHECK(second.err.find("held by") != std::string::npos);
    CHECK(containsWord(second.err, std::to_string(first.pid())));

    // The refused holder touched nothing: the first one still serves the same content.
    CHECK(processAlive(first.pid()));
    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out == data);
    CHECK(readJson(key).value("holder_pid").toInteger() == first.pid());

    CHECK(first.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a foreground shm-create removes everything and exits 0 on SIGTERM, SIGINT, SIGHUP", "[create][signals]")
{
    const int sig = GENERATE(SIGTERM, SIGINT, SIGHUP);
    CAPTURE(sig, strsignal(sig));
    const KeyGuard guard(uniqueKey("fgsignal"));
    const std::string &key = guard.key();

    Child holder(Tool::Create, {"-k", key, "-s", "64K"});
    const bool ready = holder.waitFor(2, "ready", 30);
    INFO("stderr so far: " << escaped(holder.err()));
    REQUIRE(ready);
    CHECK(holder.err().rfind("shm-create: " + key + ": ready, capacity ", 0) == 0);
    checkObjectsExist(key);
    CHECK_EXIT(loadStdin(key, randomBytes(10000)), 0);

    REQUIRE(holder.signal(sig));
    const ProcessResult result = holder.wait(30);
    CHECK_EXIT(result, 0);
    CHECK(result.out.empty());
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a detached holder removes everything and exits 0 on SIGTERM, SIGINT, SIGHUP", "[create][signals][detach]")
{
    const int sig = GENERATE(SIGTERM, SIGINT, SIGHUP);
    CAPTURE(sig, strsignal(sig));
    const std::string key = uniqueKey("bgsignal");
    Holder holder(key);
    checkObjectsExist(key);
    CHECK_EXIT(loadStdin(key, randomBytes(10000)), 0);

    const Disappearance gone = holder.stop(sig);
    REQUIRE(gone.gone);
    // The test process is a child subreaper, so the detached holder is ours to reap.
    if (gone.reaped) {
        CHECK(gone.termSignal == 0);
        CHECK(gone.exitCode == 0);
    } else {
        WARN("the detached holder could not be reaped here; its exit code is unknown");
    }
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("shm-create -d returns once ready and prints the PID of a live detached holder", "[create][detach]")
{
    const bool quiet = GENERATE(false, true);
    CAPTURE(quiet);
    const std::string key = uniqueKey("detach");
    HolderOptions options;
    if (quiet)
        options.extraArgs.push_back("-q");
    Holder holder(key, options); // throws unless exit 0 and stdout is digits + newline
    const ProcessResult &start = holder.startResult();
    INFO(describe(start));

    CHECK(holder.pid() != start.pid); // the PID is the background holder's, not the launcher's
    CHECK(processAlive(holder.pid()));
    CHECK(readFile("/proc/" + std::to_string(holder.pid()) + "/comm") == "shm-create\n");
    // The holder's stdio is /dev/null, so it keeps no pipe of its launcher open.
    CHECK_FALSE(start.pipesHeldOpen);
    for (int fd = 0; fd <= 2; ++fd) {
        CAPTURE(fd);
        CHECK(linkTarget("/proc/" + std::to_string(holder.pid()) + "/fd/" + std::to_string(fd)) == "/dev/null");
    }
    if (quiet)
        CHECK(start.err.empty());
    else
        CHECK(start.err.find(key + ": ready, capacity ") != std::string::npos);

    // Ready means usable at once.
    checkObjectsExist(key);
    const std::string data = randomBytes(30000);
    CHECK_EXIT(loadStdin(key, data), 0);
    CHECK(readContent(key).out == data);
    CHECK(processAlive(holder.pid()));

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
