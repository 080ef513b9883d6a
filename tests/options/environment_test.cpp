// SPDX-License-Identifier: BSD-3-Clause
// The environment the tools read: $TMPDIR is resolved once to an absolute directory (a relative
// one survives shm-create -d's chdir; a missing one is refused instead of meeting everybody else
// in "/"), and an empty $SHM_KEY is refused as `-k ''` is.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtest;

namespace {

/// The tool's arguments for a run that would touch KEY.
std::vector<std::string> argsFor(Tool tool, const std::string &key)
{
    switch (tool) {
    case Tool::Create: return {"-d", "-k", key, "-s", "64K"};
    case Tool::Load: return {"-k", key, "/dev/null"};
    default: return {"-k", key};
    }
}

/// If an old shm-create -d started a holder anyway, stop it (it removes its own key files).
void stopIfStarted(const ProcessResult &result)
{
    if (result.exitCode == 0 && !result.out.empty() &&
        result.out.find_first_not_of("0123456789\n") == std::string::npos) {
        const pid_t pid = std::stoi(result.out);
        ::kill(pid, SIGTERM);
        waitGone(pid, 30);
    }
}

} // namespace

TEST_CASE("a TMPDIR that does not exist or is not a directory is a usage error for every tool", "[env][tmpdir]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const bool isFile = GENERATE(false, true);
    CAPTURE(toolName(tool), isFile);
    ScratchDir scratch;
    const std::string dir = isFile ? scratch.write("a-file", "x") : scratch.path() + "/missing";
    const std::string key = uniqueKey("badtmp");
    RunOptions options;
    options.env = {{"TMPDIR", dir}};
    const ProcessResult result = run(tool, argsFor(tool, key), options);
    stopIfStarted(result);
    CHECK_EXIT(result, 2);
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind(std::string(toolName(tool)) + ": TMPDIR '" + dir + "'", 0) == 0);
}

TEST_CASE("a relative TMPDIR is resolved before shm-create -d changes directory", "[env][tmpdir][detach]")
{
    ScratchDir scratch;
    REQUIRE(::mkdir((scratch.path() + "/keys").c_str(), 0700) == 0);
    const std::string key = uniqueKey("reltmp");
    // Every tool runs in the scratch directory with TMPDIR=keys.
    const auto inScratch = [&](Tool tool, const std::vector<std::string> &args, const std::string &input = {}) {
        std::vector<std::string> argv{"/bin/sh", "-c", "cd \"$0\" && TMPDIR=keys exec \"$@\"", scratch.path(),
                                      binary(tool)};
        argv.insert(argv.end(), args.begin(), args.end());
        RunOptions options;
        options.stdinData = input;
        return run(argv, options);
    };
    const ProcessResult started = inScratch(Tool::Create, {"-d", "-k", key, "-s", "64K"});
    REQUIRE_EXIT(started, 0);
    const pid_t holder = std::stoi(started.out);
    CHECK_EXIT(inScratch(Tool::Load, {"-k", key, "-"}, "relative"), 0);
    const ProcessResult read = inScratch(Tool::Read, {"-k", key});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "relative");
    const ProcessResult json = inScratch(Tool::Read, {"-k", key, "--json"});
    CHECK_THAT(json.out, Catch::Matchers::ContainsSubstring("\"tmpdir\":\"" + scratch.path() + "/keys\""));
    ::kill(holder, SIGTERM);
    CHECK(waitGone(holder, 30).gone);
    CHECK(::rmdir((scratch.path() + "/keys").c_str()) == 0); // empty: the key files are gone too
}

TEST_CASE("SHM_KEY set but empty is a usage error, as -k '' is", "[env][options]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));
    RunOptions options;
    options.env = {{"SHM_KEY", ""}};
    std::vector<std::string> args = argsFor(tool, "unused");
    args.erase(std::find(args.begin(), args.end(), "-k"), std::find(args.begin(), args.end(), "-k") + 2);
    const ProcessResult result = run(tool, args, options);
    stopIfStarted(result);
    CHECK_EXIT(result, 2);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("SHM_KEY"));
}
