// SPDX-License-Identifier: BSD-3-Clause
// shm-create --watch: the holder reports each published version, as the seed example's reader
// app showed each new file.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>

using namespace shmtest;

TEST_CASE("shm-create --watch prints one line per published version", "[create][watch]")
{
    const std::string key = uniqueKey("watch");
    KeyGuard guard(key);
    ScratchDir dir;
    const std::string file = dir.write("notes.txt", "watched content\n");
    Child holder(Tool::Create, {"-k", key, "-s", "64K", "--watch"});
    REQUIRE(holder.waitFor(2, "ready", 10));

    const ProcessResult first = loadFile(key, file);
    REQUIRE_EXIT(first, 0);
    REQUIRE(holder.waitFor(2, "generation 1:", 10));
    const ProcessResult second = loadStdin(key, randomBytes(2048));
    REQUIRE_EXIT(second, 0);
    REQUIRE(holder.waitFor(2, "generation 2:", 10));

    const std::string log = holder.err();
    const std::string line1 = log.substr(log.find("generation 1:"));
    CHECK_THAT(line1.substr(0, line1.find('\n')),
               Catch::Matchers::ContainsSubstring("16 bytes") && Catch::Matchers::ContainsSubstring("notes.txt") &&
                   Catch::Matchers::ContainsSubstring("PID " + std::to_string(first.pid)));
    const std::string line2 = log.substr(log.find("generation 2:"));
    CHECK_THAT(line2.substr(0, line2.find('\n')),
               Catch::Matchers::ContainsSubstring("2.0 KiB") && Catch::Matchers::ContainsSubstring("stdin") &&
                   Catch::Matchers::ContainsSubstring("PID " + std::to_string(second.pid)));
    // Each line starts with an ISO 8601 time with milliseconds.
    CHECK_THAT(log, Catch::Matchers::Matches(
                        "(.|\\n)*\\n\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* generation 1:(.|\\n)*"));

    holder.signal(SIGINT);
    CHECK_EXIT(holder.wait(10), 0);
    CHECK_FALSE(leftovers(key));
}

TEST_CASE("shm-create refuses --watch together with --detach", "[create][watch]")
{
    const ProcessResult result = run(Tool::Create, {"-k", uniqueKey("watchdetach"), "--watch", "-d"});
    CHECK_EXIT(result, 2);
    CHECK(isOneLine(result.err));
}
