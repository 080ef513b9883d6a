// SPDX-License-Identifier: BSD-3-Clause
// Every wait is bounded: a process that holds the segment lock (or a loader's claim) and is
// stopped or hung makes shm-load and shm-read fail with exit 7 after --timeout, attach step
// included, instead of hanging; and once it goes, everything works and nothing was lost.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <memory>
#include <optional>
#include <thread>

using namespace shmtest;

namespace {

constexpr double kTimeout = 1;
// What "promptly after the timeout" allows for process start-up on a loaded machine.
constexpr double kSlack = 2.5;

/// RESULT gave up with exit 7 after about kTimeout seconds, saying so, with nothing on stdout.
void checkTimedOut(const ProcessResult &result, const std::string &tool)
{
    INFO(describe(result));
    CHECK(result.exited(7));
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind(tool + ": ", 0) == 0);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("timed out"));
    CHECK(result.seconds >= kTimeout * 0.9);
    CHECK(result.seconds < kTimeout + kSlack);
}

RunOptions hangGuard()
{
    RunOptions options;
    options.timeoutSeconds = 30; // a hang shows up as timedOut, not as a stuck test
    return options;
}

} // namespace

TEST_CASE("a stopped or hung process holding the lock makes every tool time out with exit 7", "[timeout]")
{
    const bool stopped = GENERATE(false, true);
    CAPTURE(stopped ? "lock holder stopped with SIGSTOP" : "lock holder hung (sleeping with the lock)");
    const std::string key = uniqueKey("lockheld");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string published = randomBytes(20000);
    REQUIRE_EXIT(loadStdin(key, published), 0);

    // A Qt program on the same key takes Qt's lock, the very semaphore the tools use.
    Child locker(Tool::QtPeer, {"hold-lock", key, "120"});
    REQUIRE(locker.waitFor(1, "locked", 20));
    if (stopped)
        REQUIRE(locker.signal(SIGSTOP));

    const std::string t = std::to_string(kTimeout);
    const std::string file = scratch.write("new.bin", randomBytes(1000));
    // Attaching takes the lock too, so each of these would hang at its very first step. They
    // run side by side: each must give up on its own clock.
    const std::vector<std::pair<Tool, std::vector<std::string>>> calls{
        {Tool::Read, {}},         {Tool::Read, {"--json"}},       {Tool::Read, {"--info"}},
        {Tool::Read, {"--wait"}}, {Tool::Read, {"--since", "0"}}, {Tool::Load, {file}},
        {Tool::Load, {"-"}},
    };
    std::vector<std::unique_ptr<Child>> waiting;
    for (const auto &[tool, extra] : calls) {
        std::vector<std::string> args{"-k", key, "-t", t};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.stdinData = "from stdin";
        waiting.push_back(std::make_unique<Child>(tool, args, options));
    }
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const ProcessResult result = waiting[i]->wait(30); // a hang shows up as timedOut
        checkTimedOut(result, calls[i].first == Tool::Read ? "shm-read" : "shm-load");
        // The message names the process that holds the lock, so that it can be found.
        CHECK(containsWord(result.err, std::to_string(locker.pid())));
    }

    // Once the lock holder goes, everything works at once and nothing was lost.
    if (stopped)
        REQUIRE(locker.signal(SIGCONT));
    REQUIRE(locker.signal(SIGTERM));
    CHECK_EXIT(locker.wait(20), 0);
    const ProcessResult read = readContent(key, {"-t", "5"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == published);
    CHECK(readJson(key).value("generation").toInteger() == 1);
    CHECK_EXIT(loadFile(key, file, {"-t", "5"}), 0);
    CHECK(readContent(key).out == readFile(file));

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a loader stopped mid-way delays no reader, and the next loader only up to --timeout", "[timeout]")
{
    const std::string key = uniqueKey("stoppedloader");
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string published = randomBytes(20000);
    REQUIRE_EXIT(loadStdin(key, published), 0);

    // A loader that has claimed its slot and streamed part of its input, then stopped. (It holds
    // the lock itself only for microseconds, so it is caught holding its claim instead; the
    // lock case is the test above.)
    Child loader(Tool::Load, {"-k", key, "-t", "30", "-"});
    const std::string content = randomBytes(30000);
    loader.writeStdin(content.substr(0, 10000));
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasClaim(segment.header(), loader.pid()); }, 20));
    }
    REQUIRE(loader.signal(SIGSTOP));

    const std::string t = std::to_string(kTimeout);
    const ProcessResult read = run(Tool::Read, {"-k", key, "-t", t}, hangGuard());
    CHECK_EXIT(read, 0);
    CHECK(read.out == published);
    CHECK(read.seconds < kSlack);
    RunOptions options = hangGuard();
    options.stdinData = "another";
    const ProcessResult second = run(Tool::Load, {"-k", key, "-t", t, "-"}, options);
    checkTimedOut(second, "shm-load");
    CHECK(containsWord(second.err, std::to_string(loader.pid())));

    // Woken up and given the rest of its input, the first loader completes normally.
    REQUIRE(loader.signal(SIGCONT));
    loader.writeStdin(content.substr(10000));
    loader.closeStdin();
    CHECK_EXIT(loader.wait(20), 0);
    CHECK(readContent(key).out == content);
    CHECK(readJson(key).value("generation").toInteger() == 2);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a --timeout of nan is refused, not taken as a wait without end", "[timeout]")
{
    const std::string key = uniqueKey("nantimeout");
    Holder holder(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    Child locker(Tool::QtPeer, {"hold-lock", key, "60"});
    REQUIRE(locker.waitFor(1, "locked", 20));

    // NaN passes a naive range check (every comparison with it is false); if it is taken, the
    // lock wait has no end, and this run is killed after 5 s instead.
    RunOptions options;
    options.timeoutSeconds = 5;
    for (const Tool tool : {Tool::Read, Tool::Load}) {
        std::vector<std::string> args{"-k", key, "-t", "nan"};
        if (tool == Tool::Load)
            args.push_back("-");
        options.stdinData = "new";
        const ProcessResult result = run(tool, args, options);
        INFO(describe(result));
        CHECK(result.exited(2));
        CHECK_FALSE(result.timedOut);
        CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("--timeout"));
    }

    REQUIRE(locker.signal(SIGTERM));
    CHECK_EXIT(locker.wait(20), 0);
    CHECK(readContent(key).out == "kept");
    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("adopting an orphan whose lock a stopped process holds is bounded too", "[timeout][holder]")
{
    const std::string key = uniqueKey("adoptlocked");
    const KeyGuard guard(key);
    // A Qt program holds the lock of the dead holder's orphan, stopped: adopting it blocks until -t.
    LockedOrphan orphan(key);

    const std::string t = std::to_string(kTimeout);
    checkTimedOut(run(Tool::Create, {"-k", key, "-s", "64K", "-t", t}, hangGuard()), "shm-create");
    checkTimedOut(run(Tool::Read, {"-k", key, "-t", t}, hangGuard()), "shm-read");
    checkTimedOut(run(Tool::Load, {"-k", key, "-t", t, "/dev/null"}, hangGuard()), "shm-load");

    REQUIRE(orphan.locker->signal(SIGCONT));
    REQUIRE(orphan.locker->signal(SIGTERM));
    CHECK_EXIT(orphan.locker->wait(20), 0);
}
