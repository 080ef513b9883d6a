// SPDX-License-Identifier: BSD-3-Clause
// Options common to the three tools: usage errors (exit 2, one line, nothing created), --help
// and --version, the key from $SHM_KEY, the key length limit, decimal timeouts.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <regex>

using namespace shmtest;

namespace {

// Placeholders in the argument tables, replaced per run.
const std::string kKey = "@KEY@";   // a fresh unique key
const std::string kFile = "@FILE@"; // an existing, readable file

/// A key whose Qt key file name, qipc_sharedmemory_ + LETTERS letters + 40 hex digits, is
/// 58 + LETTERS bytes long; SUFFIX adds characters that are not letters (not in the name).
std::string keyWithLetters(size_t letters, const std::string &suffix = "")
{
    return std::string(letters, 'k') + suffix;
}

} // namespace

TEST_CASE("bad options and values are usage errors: exit 2, one line, nothing created", "[options][errors]")
{
    using Args = std::vector<std::string>;
    const auto [tool, args, why] = GENERATE(table<Tool, Args, const char *>({
        {Tool::Create, {"-k", kKey, "-s", "abc"}, "size is not a number"},
        {Tool::Create, {"-k", kKey, "-s", "0"}, "a segment must hold something"},
        {Tool::Create, {"-k", kKey, "-s", "-1"}, "negative size"},
        {Tool::Create, {"-k", kKey, "-s", "1.5Q"}, "unknown unit"},
        {Tool::Create, {"-k", "", "-s", "64K"}, "empty key"},
        {Tool::Create, {"-k", kKey, "-t", "-1"}, "negative timeout"},
        {Tool::Create, {"-k", kKey, "-t", "abc"}, "timeout is not a number"},
        {Tool::Create, {"-k", kKey, "--no-such-option"}, "unknown option"},
        {Tool::Create, {"-k", kKey, "-d", "--watch"}, "--detach and --watch exclude each other"},
        {Tool::Create, {"-k", kKey, "stray"}, "shm-create takes no positional argument"},
        {Tool::Load, {"-k", "", kFile}, "empty key"},
        {Tool::Load, {"-k", kKey, "-t", "-1", kFile}, "negative timeout"},
        {Tool::Load, {"-k", kKey, "-t", "abc", kFile}, "timeout is not a number"},
        {Tool::Load, {"-k", kKey, "--no-such-option", kFile}, "unknown option"},
        {Tool::Load, {"-k", kKey}, "FILE is required"},
        {Tool::Read, {"-k", ""}, "empty key"},
        {Tool::Read, {"-k", kKey, "-t", "-1"}, "negative timeout"},
        {Tool::Read, {"-k", kKey, "-t", "abc"}, "timeout is not a number"},
        {Tool::Read, {"-k", kKey, "--no-such-option"}, "unknown option"},
        {Tool::Read, {"-k", kKey, "--since", "abc"}, "generation is not a number"},
    }));
    CAPTURE(toolName(tool), why);

    const KeyGuard guard(uniqueKey("usage"));
    ScratchDir scratch;
    const std::string file = scratch.write("input.bin", "some input");
    Args argv = args;
    for (auto &arg : argv) {
        if (arg == kKey)
            arg = guard.key();
        else if (arg == kFile)
            arg = file;
    }
    RunOptions options;
    options.timeoutSeconds = 20; // a usage error must not start holding or waiting
    const ProcessResult result = run(tool, argv, options);
    CHECK_EXIT(result, 2);
    INFO(describe(result));
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind(std::string(toolName(tool)) + ": ", 0) == 0);
    INFO(leftoversReport(guard.key()));
    CHECK(!leftovers(guard.key()));
}

TEST_CASE("a key whose Qt key file name would pass 255 bytes is a usage error", "[options][errors]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));
    // 198 letters: qipc_sharedmemory_ (18) + 198 + 40 = 256 bytes.
    const KeyGuard guard(keyWithLetters(198, std::string("-").append(std::to_string(getpid()))));
    ScratchDir scratch;
    std::vector<std::string> args{"-k", guard.key()};
    if (tool == Tool::Load)
        args.push_back(scratch.write("input.bin", "x"));
    RunOptions options;
    options.timeoutSeconds = 20;
    const ProcessResult result = run(tool, args, options);
    CHECK_EXIT(result, 2);
    INFO(describe(result));
    CHECK(isOneLine(result.err));
    CHECK(result.err.find("key too long") != std::string::npos);
    CHECK(!leftovers(guard.key()));
}

TEST_CASE("a key at the key file name limit works, and only its letters count towards it", "[options]")
{
    // 197 letters make a 255-byte file name; the digits and dashes of the suffix add nothing.
    const std::string key =
        keyWithLetters(197, std::string("-").append(std::to_string(getpid())).append("-1234567890"));
    Holder holder(key);
    const std::string data = randomBytes(100);
    CHECK_EXIT(loadStdin(key, data), 0);
    CHECK(readContent(key).out == data);
    CHECK(shmKeyFile(key).size() - shmKeyFile(key).rfind('/') - 1 == 255);
    CHECK(currentShmid(key) != -1);
    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("every tool's --help and --version print on stdout and exit 0", "[options]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));

    const ProcessResult help = run(tool, {"--help"});
    CHECK_EXIT(help, 0);
    INFO(describe(help));
    CHECK(help.err.empty());
    for (const char *needle : {"--key", "--timeout", "--quiet", "Exit codes"}) {
        CAPTURE(needle);
        CHECK(help.out.find(needle) != std::string::npos);
    }
    // Every exit code is listed.
    for (const char *code : {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130"}) {
        CAPTURE(code);
        CHECK(std::regex_search(help.out, std::regex(std::string("\n +") + code + " +[a-z]")));
    }

    const ProcessResult version = run(tool, {"--version"});
    CHECK_EXIT(version, 0);
    INFO(describe(version));
    CHECK(version.err.empty());
    // The version on the first line; the commit (from a git checkout) and the licence follow.
    CHECK(std::regex_search(version.out, std::regex(R"(^shm-[a-z]+ \(shm-tools\) \d+\.\d+\.\d+\n)")));
    CHECK(version.out.back() == '\n');
}

TEST_CASE("the key comes from $SHM_KEY unless -k is given", "[options][env]")
{
    const std::string key = uniqueKey("envkey");
    const KeyGuard other(uniqueKey("envother"));
    HolderOptions holderOptions;
    holderOptions.passKey = false;
    holderOptions.run.env = {{"SHM_KEY", key}};
    Holder holder(key, holderOptions);
    CHECK(currentShmid(key) != -1); // created under $SHM_KEY, found through our derivation

    const std::string data = randomBytes(5000);
    RunOptions fromEnv;
    fromEnv.env = {{"SHM_KEY", key}};
    fromEnv.stdinData = data;
    const ProcessResult load = run(Tool::Load, {"-"}, fromEnv);
    CHECK_EXIT(load, 0);
    CHECK(load.out.empty());
    CHECK(load.err.find(key) != std::string::npos);

    // -k wins over $SHM_KEY.
    RunOptions misleading;
    misleading.env = {{"SHM_KEY", other.key()}};
    const ProcessResult read = run(Tool::Read, {"-k", key}, misleading);
    CHECK_EXIT(read, 0);
    CHECK(read.out == data);

    RunOptions readEnv;
    readEnv.env = {{"SHM_KEY", key}};
    const ProcessResult readFromEnv = run(Tool::Read, {}, readEnv);
    CHECK_EXIT(readFromEnv, 0);
    CHECK(readFromEnv.out == data);

    // With $SHM_KEY naming a key nobody holds, the tools look there and nowhere else.
    const ProcessResult missing = run(Tool::Read, {}, misleading);
    CHECK_EXIT(missing, 3);
    CHECK(missing.err.find(other.key()) != std::string::npos);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
    CHECK(!leftovers(other.key()));
}

TEST_CASE("every tool's -t accepts decimal seconds", "[options]")
{
    const std::string key = uniqueKey("decimaltimeout");
    Holder holder(key);
    CHECK_EXIT(loadStdin(key, "abc", {"-t", "2.5"}), 0);
    const ProcessResult read = readContent(key, {"-t", "0.75"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "abc");
    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
