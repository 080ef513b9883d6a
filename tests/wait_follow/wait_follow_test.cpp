// SPDX-License-Identifier: BSD-3-Clause
// shm-read --wait, --since, --follow and --exec: blocking without polling until a new version is
// published, bounded by --timeout, ended by Ctrl-C or by the holder going away.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/proc_state_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <QFileInfo>
#include <csignal>
#include <fstream>
#include <thread>

using namespace shmtest;

namespace {

// utime + stime of PID in clock ticks (/proc/PID/stat fields 14 and 15).
long cpuTicks(pid_t pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14)
            utime = std::stol(field);
        if (index == 15) {
            stime = std::stol(field);
            break;
        }
    }
    return utime + stime;
}

// Until `waiter` sleeps in the futex wait for a new version: only then is a load "new" to it.
void waitUntilWaiting(const Child &waiter)
{
    REQUIRE(waitUntilSleepingIn(waiter.pid(), {"futex"}));
}

} // namespace

TEST_CASE("shm-read --wait blocks until a newer version is published, then prints that one", "[wait]")
{
    const std::string key = uniqueKey("wait");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "old"), 0);

    Child reader(Tool::Read, {"-k", key, "--wait"});
    waitUntilWaiting(reader);
    REQUIRE(reader.running());
    CHECK(reader.out().empty());
    const std::string fresh = randomBytes(5000);
    REQUIRE_EXIT(loadStdin(key, fresh), 0);
    const ProcessResult result = reader.wait(10);
    CHECK_EXIT(result, 0);
    CHECK(result.out == fresh);
}

TEST_CASE("shm-read --since GEN returns at once when GEN is behind, and waits when it is current", "[wait]")
{
    const std::string key = uniqueKey("since");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "one"), 0);
    REQUIRE_EXIT(loadStdin(key, "two"), 0);

    const ProcessResult behind = readContent(key, {"--since", "1", "-t", "5"});
    CHECK_EXIT(behind, 0);
    CHECK(behind.out == "two");

    const ProcessResult current = readContent(key, {"--since", "2", "-t", "0.4"});
    CHECK_EXIT(current, 7);
    CHECK(current.out.empty());
    CHECK_THAT(current.err,
               Catch::Matchers::ContainsSubstring("timed out") && Catch::Matchers::ContainsSubstring("generation 2"));
    CHECK(current.seconds >= 0.35);
    CHECK(current.seconds < 5);
}

TEST_CASE("shm-read --wait honours --timeout with exit 7", "[wait]")
{
    const std::string key = uniqueKey("waittimeout");
    Holder holder(key);
    const ProcessResult result = readContent(key, {"--wait", "-t", "0.3"});
    CHECK_EXIT(result, 7);
    CHECK(isOneLine(result.err));
    CHECK(result.seconds < 5);
}

TEST_CASE("shm-read --follow prints every version as it is published and exits 130 on Ctrl-C", "[follow]")
{
    const std::string key = uniqueKey("follow");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "before\n"), 0);

    Child follower(Tool::Read, {"-k", key, "--follow"});
    waitUntilWaiting(follower);
    std::string expected;
    for (int i = 1; i <= 3; ++i) {
        const std::string version = "version " + std::to_string(i) + "\n";
        REQUIRE_EXIT(loadStdin(key, version), 0);
        expected += version;
        REQUIRE(follower.waitFor(1, expected, 10));
    }
    CHECK(follower.out() == expected); // not the version current at start
    follower.signal(SIGINT);
    const ProcessResult result = follower.wait(10);
    CHECK_EXIT(result, 130);
    CHECK(result.err.empty()); // Ctrl-C between versions is how --follow ends: nothing to say
}

TEST_CASE("shm-read --follow --exec runs the command once per version with SHM_GENERATION set", "[follow]")
{
    const std::string key = uniqueKey("exec");
    Holder holder(key, HolderOptions::sized("1M"));
    ScratchDir dir;
    Child follower(Tool::Read, {"-k", key, "--follow", "--exec", "cat > " + dir.path() + "/gen-$SHM_GENERATION"});
    waitUntilWaiting(follower);
    const std::string first = randomBytes(3000), second = randomBytes(70000);
    REQUIRE_EXIT(loadStdin(key, first), 0);
    REQUIRE_EXIT(loadStdin(key, second), 0);
    // Versions published faster than delivered may be coalesced; the last one always arrives,
    // whole, before the follower is stopped (an interrupt also stops the command).
    REQUIRE(waitUntil([&] { return QFileInfo(QString::fromStdString(dir.path() + "/gen-2")).size() ==
                                   qint64(second.size()); },
                      20));
    follower.signal(SIGTERM);
    CHECK_EXIT(follower.wait(10), 130);
    CHECK(readFile(dir.path() + "/gen-2") == second);
    if (QFile::exists(QString::fromStdString(dir.path() + "/gen-1")))
        CHECK(readFile(dir.path() + "/gen-1") == first);
}

TEST_CASE("a command that ignores its input does not stop --follow", "[follow]")
{
    const std::string key = uniqueKey("execignore");
    Holder holder(key, HolderOptions::sized("1M"));
    Child follower(Tool::Read, {"-k", key, "--follow", "--exec", "echo got $SHM_GENERATION"});
    waitUntilWaiting(follower);
    REQUIRE_EXIT(loadStdin(key, randomBytes(300000)), 0);
    REQUIRE(follower.waitFor(1, "got 1\n", 10));
    REQUIRE_EXIT(loadStdin(key, "small"), 0);
    REQUIRE(follower.waitFor(1, "got 2\n", 10));
    follower.signal(SIGINT);
    CHECK_EXIT(follower.wait(10), 130);
}

TEST_CASE("a waiting reader uses no CPU while idle", "[follow]")
{
    const std::string key = uniqueKey("idle");
    Holder holder(key);
    Child follower(Tool::Read, {"-k", key, "--follow"});
    waitUntilWaiting(follower);
    const long before = cpuTicks(follower.pid());
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const long after = cpuTicks(follower.pid());
    CHECK(after - before <= 1); // one tick (10 ms) of slack for scheduling noise
    follower.signal(SIGINT);
    CHECK_EXIT(follower.wait(10), 130);
}

TEST_CASE("a waiting reader learns at once that the holder went away", "[wait]")
{
    const int signal = GENERATE(SIGTERM, SIGKILL);
    CAPTURE(signal);
    const std::string key = uniqueKey("holdergone");
    Holder holder(key);
    KeyGuard guard(key);
    Child reader(Tool::Read, {"-k", key, "--wait"});
    waitUntilWaiting(reader);
    REQUIRE(reader.running());
    const double stoppedAt = now();
    holder.stop(signal);
    const ProcessResult result = reader.wait(10);
    CHECK_EXIT(result, 3);
    CHECK(now() - stoppedAt < 3);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring(signal == SIGKILL ? "not running" : "stopped"));
}
