// SPDX-License-Identifier: BSD-3-Clause
// Parse errors in the tools' own voice: one line "TOOL: ...; see 'TOOL --help'", exit 2, saying
// what was wrong and what is accepted, with the nearest option or key when one is near.
#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

using namespace shmtest;

namespace {

void checkUsageLine(const ProcessResult &result, Tool tool, const std::string &says)
{
    CHECK_EXIT(result, 2);
    INFO(describe(result));
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.rfind(std::string(toolName(tool)) + ": ", 0) == 0);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring(says));
    // Nothing of CLI11's own wording.
    for (const char *cli11 : {"The following arguments", "could not be converted", "Excludes", "Requires", "Run with"})
        CHECK_THAT(result.err, !Catch::Matchers::ContainsSubstring(cli11));
}

} // namespace

TEST_CASE("a mistyped option is named with the nearest one", "[option]")
{
    const auto [tool, args, says] = GENERATE(table<Tool, std::vector<std::string>, std::string>({
        {Tool::Create, {"--szie", "10M"}, "unknown option --szie (did you mean --size?)"},
        {Tool::Create, {"--detatch"}, "unknown option --detatch (did you mean --detach?)"},
        {Tool::Read, {"--follwo"}, "unknown option --follwo (did you mean --follow?)"},
        // Cut short: the one option it starts, not a near one ("--all", "--json").
        {Tool::Read, {"--foll"}, "unknown option --foll (did you mean --follow?)"},
        {Tool::Read, {"--sin"}, "unknown option --sin (did you mean --since?)"},
        {Tool::Read, {"-info"}, "unknown option -info (did you mean --info?)"},
        {Tool::Load, {"--sourec=x", "f"}, "unknown option --sourec (did you mean --source?)"},
        {Tool::Read, {"--frobnicate"}, "unknown option --frobnicate"},
        {Tool::Read, {"-x"}, "unknown option -x"},
    }));
    CAPTURE(args);
    checkUsageLine(run(tool, args), tool, says);
}

TEST_CASE("values, combinations and arguments are refused in one line that says what is accepted", "[option]")
{
    const auto [tool, args, says] = GENERATE(table<Tool, std::vector<std::string>, std::string>({
        {Tool::Read, {"-k"}, "-k needs a value (KEY)"},
        {Tool::Read, {"--timeout"}, "--timeout needs a value (SECONDS)"},
        {Tool::Read, {"-t", "soon"}, "expected seconds from 0 to 1000000000, a decimal number"},
        // Plain decimals only, as sizes: no hex, exponent, sign, infinity (strtod takes them).
        {Tool::Read, {"-t", "0x10"}, "got '0x10'"},
        {Tool::Read, {"-t", "1e1"}, "got '1e1'"},
        {Tool::Read, {"-t", "+1"}, "got '+1'"},
        {Tool::Read, {"-t", "."}, "got '.'"},
        {Tool::Read, {"-t", "inf"}, "got 'inf'"},
        {Tool::Read, {"--since", "-1"}, "expected a whole number"},
        {Tool::Read, {"--info", "--json"}, "--info cannot be used with --json"},
        {Tool::Read, {"--exec", "wc"}, "--exec works only with --follow"},
        {Tool::Read, {"--all"}, "--all works only with --list or --raw"},
        {Tool::Read, {"file.txt"}, "unexpected argument 'file.txt'; shm-read takes options only"},
        {Tool::Load, {}, "missing FILE: the file to load, or - for stdin"},
        {Tool::Load, {"a", "b"}, "unexpected argument 'b'; shm-load takes one FILE"},
        // An empty FILE (an unset variable) is no file named "": a usage error, as an empty value is.
        {Tool::Load, {""}, "empty FILE '': the file to load, or - for stdin"},
        {Tool::Load, {"--", ""}, "empty FILE ''"},
        {Tool::Create, {"--remove", ""}, "empty KEY ''"},
        {Tool::Create, {"--watch", "-d"}, "--watch cannot be used with --detach"},
        {Tool::Create, {"somekey"}, "KEY works only with --remove"},
        {Tool::Create, {"--quiet=yes"}, "--quiet takes no value"},
    }));
    CAPTURE(args);
    checkUsageLine(run(tool, args), tool, says);
}

TEST_CASE("an empty option value is a usage error naming the option, in every spelling", "[option][empty]")
{
    // Often an unset shell variable ("-o \"$OUT\""): never a file named "", an unbounded
    // timeout, an empty command, or CLI11 taking the next word as the value.
    const auto [tool, args, says] = GENERATE(table<Tool, std::vector<std::string>, std::string>({
        {Tool::Read, {"-k", ""}, "-k needs a value (KEY), got an empty one"},
        {Tool::Read, {"--key="}, "--key needs a value (KEY), got an empty one"},
        {Tool::Read, {"--key", ""}, "--key needs a value (KEY), got an empty one"},
        {Tool::Read, {"-o", ""}, "-o needs a value (FILE), got an empty one"},
        {Tool::Read, {"--output="}, "--output needs a value (FILE), got an empty one"},
        {Tool::Read, {"-qo", ""}, "-o needs a value (FILE), got an empty one"},
        {Tool::Read, {"-t", ""}, "-t needs a value (SECONDS), got an empty one"},
        {Tool::Read, {"--timeout=", "-q"}, "--timeout needs a value (SECONDS), got an empty one"},
        {Tool::Read, {"--follow", "--exec="}, "--exec needs a value (CMD), got an empty one"},
        {Tool::Read, {"--follow", "--exec", ""}, "--exec needs a value (CMD), got an empty one"},
        {Tool::Read, {"--since="}, "--since needs a value (GEN), got an empty one"},
        {Tool::Create, {"-s", ""}, "-s needs a value (SIZE), got an empty one"},
        {Tool::Create, {"--size="}, "--size needs a value (SIZE), got an empty one"},
        {Tool::Create, {"-t", ""}, "-t needs a value (SECONDS), got an empty one"},
        {Tool::Load, {"--source=", "f"}, "--source needs a value (NAME), got an empty one"},
        {Tool::Load, {"-k", "", "f"}, "-k needs a value (KEY), got an empty one"},
    }));
    CAPTURE(args);
    checkUsageLine(run(tool, args), tool, says);
}

TEST_CASE("sizes follow coreutils, and a bad one is refused naming the accepted forms", "[option][size]")
{
    const std::string size = GENERATE(as<std::string>{}, "10Q", "1e", "1.1K", "0", "-5M", "16mb");
    CAPTURE(size);
    const std::string key = uniqueKey("badsize");
    const ProcessResult refused = run(Tool::Create, {"-k", key, "-s", size});
    checkUsageLine(refused, Tool::Create, "--size: '" + size + "'");
    CHECK(!leftovers(key));
}

TEST_CASE("KB, kB and MB are powers of 1000, K and KiB of 1024, and 1.5M is accepted", "[option][size]")
{
    const auto [size, bytes] = GENERATE(table<std::string, std::int64_t>({
        {"10KB", 10'000},
        {"10kB", 10'000},
        {"10K", 10'240},
        {"10KiB", 10'240},
        {"1.5M", 1'572'864},
    }));
    CAPTURE(size);
    const std::string key = uniqueKey("size");
    Holder holder(key, HolderOptions::sized(size));
    CHECK(readJson(key)["capacity"].toInteger() == bytes);
    CHECK(holder.stop().gone);
    CHECK(!leftovers(key));
}

TEST_CASE("a missing key names a near key that exists and points at shm-read --list", "[option][list]")
{
    const std::string key = uniqueKey("nearkey");
    Holder holder(key);
    std::string typo = key;
    // Two different neighbours swapped (one edit); the key's random tail may end in a pair
    // such as "ee", whose swap would change nothing.
    std::size_t at = typo.size() - 1;
    while (typo[at] == typo[at - 1])
        --at;
    std::swap(typo[at], typo[at - 1]);
    REQUIRE(typo != key);
    const ProcessResult missed = run(Tool::Read, {"-k", typo});
    CHECK_EXIT(missed, 3);
    CHECK(isOneLine(missed.err));
    CHECK_THAT(missed.err, Catch::Matchers::ContainsSubstring("did you mean -k " + key + "?") &&
                               Catch::Matchers::ContainsSubstring("shm-read --list"));
    RunOptions input;
    input.stdinData = "x";
    const ProcessResult far = run(Tool::Load, {"-k", key + "-entirely-different-name", "-"}, input);
    CHECK_EXIT(far, 3);
    CHECK_THAT(far.err, Catch::Matchers::ContainsSubstring("shm-read --list") &&
                            !Catch::Matchers::ContainsSubstring("did you mean"));
    CHECK(holder.stop().gone);
    CHECK(!leftovers(key));
}

TEST_CASE("shm-load checks its input before the segment: a missing file is exit 5 with no segment", "[option]")
{
    const std::string key = uniqueKey("inputfirst");
    ScratchDir scratch;
    const std::string missing = scratch.path() + "/missing.txt";
    const ProcessResult refused = run(Tool::Load, {"-k", key, missing});
    CHECK_EXIT(refused, 5);
    CHECK(refused.err == "shm-load: " + key + ": " + missing + ": No such file or directory; check the path\n");
    const ProcessResult directory = run(Tool::Load, {"-k", key, scratch.path()});
    CHECK_EXIT(directory, 5);
    CHECK_THAT(directory.err, Catch::Matchers::ContainsSubstring("Is a directory"));
    CHECK(!leftovers(key));
}
