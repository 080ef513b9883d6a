// SPDX-License-Identifier: BSD-3-Clause
// Every write is checked, the last flush and close of stdout included (as coreutils' close_stdout):
// output into /dev/full or a closed stdout is one message and a non-zero exit, never a silent 0;
// and closed standard descriptors are never reused for what a tool opens later.

#include "support/cli_support.h"
#include "support/proc_state_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <climits>
#include <unistd.h>

using namespace shmtest;

namespace {

/// TOOL with ARGS, run by the shell with REDIRECTION (">/dev/full", ">&-", "<&-") applied.
std::vector<std::string> redirected(Tool tool, const std::vector<std::string> &args, const std::string &redirection)
{
    std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$@\" " + redirection, "sh", binary(tool)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::string linkTarget(const std::string &path)
{
    char target[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    return n < 0 ? std::string() : std::string(target, static_cast<size_t>(n));
}

} // namespace

TEST_CASE("shm-read --json and --info into /dev/full or a closed stdout fail with one message", "[output][errors]")
{
    const std::string mode = GENERATE("--json", "--info", "");
    const std::string redirection = GENERATE(">/dev/full", ">&-");
    CAPTURE(mode, redirection);
    const std::string key = uniqueKey("outfull");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "content"), 0);
    std::vector<std::string> args{"-k", key};
    if (!mode.empty())
        args.push_back(mode);
    const ProcessResult result = run(redirected(Tool::Read, args, redirection));
    CHECK_EXIT(result, 1);
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind("shm-read: ", 0) == 0);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring(redirection == ">&-" ? "Bad file descriptor" : "No space left on device"));
}

TEST_CASE("every tool's --help into /dev/full fails instead of exiting 0", "[output][errors]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));
    const ProcessResult result = run(redirected(tool, {"--help"}, ">/dev/full"));
    CHECK_EXIT(result, 1);
    CHECK(isOneLine(result.err));
}

TEST_CASE("shm-create -d whose PID cannot be printed fails and stops the holder it started", "[output][errors][detach]")
{
    const std::string redirection = GENERATE(">/dev/full", ">&-");
    CAPTURE(redirection);
    const std::string key = uniqueKey("createfull");
    const KeyGuard guard(key);
    const ProcessResult result = run(redirected(Tool::Create, {"-d", "-k", key, "-s", "64K"}, redirection));
    CHECK_EXIT(result, 1);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("stopped the holder (PID "));
    // In shm-create's own terms: the PID, and starting again; nothing of shm-read's advice.
    CHECK_THAT(result.err,
               Catch::Matchers::ContainsSubstring("shm-create could not write the holder's PID to standard output: ") &&
                   Catch::Matchers::ContainsSubstring(redirection == ">&-" ? "Bad file descriptor"
                                                                          : "No space left on device") &&
                   Catch::Matchers::ContainsSubstring("and start it again") &&
                   !Catch::Matchers::ContainsSubstring("read again") &&
                   !Catch::Matchers::ContainsSubstring("segment is unchanged"));
    // The holder it names is gone, and took its segment, semaphore and key files with it.
    const std::string after = result.err.substr(result.err.find("(PID ") + 5);
    const pid_t pid = std::stoi(after);
    CHECK(waitGone(pid, 30).gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a closed stdout is not reused: shm-read --follow never writes content into its pidfd", "[output][fds]")
{
    const std::string key = uniqueKey("closedout");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "first"), 0);
    Child follower(redirected(Tool::Read, {"-k", key, "--follow"}, ">&-"));
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"futex"}));
    // Descriptor 1 holds /dev/null, not the pidfd of the holder watch opened meanwhile.
    CHECK(linkTarget("/proc/" + std::to_string(follower.pid()) + "/fd/1") == "/dev/null");
    REQUIRE_EXIT(loadStdin(key, "second"), 0);
    const ProcessResult result = follower.wait(30);
    CHECK_EXIT(result, 1);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("Bad file descriptor"));
}

TEST_CASE("shm-load - with a closed stdin reads nothing else in its place", "[output][fds]")
{
    const std::string key = uniqueKey("closedin");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    const ProcessResult result = run(redirected(Tool::Load, {"-k", key, "-"}, "<&-"));
    CHECK_EXIT(result, 5);
    CHECK(isOneLine(result.err));
    CHECK(readContent(key).out == "kept");
}

TEST_CASE("a failed write names where the output went and gives the advice that fits it", "[output][errors]")
{
    using Catch::Matchers::ContainsSubstring;
    const std::string key = uniqueKey("outwhere");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, std::string(8192, 'x')), 0);
    ScratchDir dir;
    const std::string file = dir.path() + "/copy";
    // A file size limit of 1 KiB (SIGXFSZ ignored, so the write fails with EFBIG) stands in for a
    // full disk: the same advice, and no mount needed.
    const auto limited = [&](const std::string &command) {
        return run({"/bin/sh", "-c", "ulimit -f 1; trap '' XFSZ; " + command, "sh", binary(Tool::Read), key, file});
    };
    const ProcessResult toFile = limited("exec \"$1\" -k \"$2\" -o \"$3\"");
    CHECK_EXIT(toFile, 1);
    CHECK(isOneLine(toFile.err));
    CHECK_THAT(toFile.err, ContainsSubstring("writing " + file + ": File too large") &&
                               ContainsSubstring("or choose another file") && ContainsSubstring("read again") &&
                               !ContainsSubstring("standard output"));
    const ProcessResult toStdout = limited("exec \"$1\" -k \"$2\" > \"$3\"");
    CHECK_EXIT(toStdout, 1);
    CHECK_THAT(toStdout.err, ContainsSubstring("writing standard output: File too large") &&
                                 ContainsSubstring("redirect standard output elsewhere") &&
                                 ContainsSubstring("read again"));
    // --help and --version have no segment to speak of.
    const ProcessResult help = run(redirected(Tool::Create, {"--help"}, ">/dev/full"));
    CHECK_EXIT(help, 1);
    CHECK_THAT(help.err, ContainsSubstring("shm-create: writing standard output") && !ContainsSubstring("read again") &&
                             !ContainsSubstring("segment"));
}
