// SPDX-License-Identifier: BSD-3-Clause
// Names the tools did not choose (source names, keys, file names) never reach a terminal or a log
// raw: a newline cannot forge a line, an escape sequence cannot drive the terminal.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>

using namespace shmtest;

namespace {
const std::string kHostile = "evil\nshm-read: forged line\x1b[31m\x7f\xc2\x85\xff";
const std::string kEscaped = "evil\\nshm-read: forged line\\x1b[31m\\x7f\\u0085\\xff";
} // namespace

TEST_CASE("shm-read --info and shm-create --watch escape control characters in a source name", "[escaping][info]")
{
    const std::string key = uniqueKey("escape");
    const KeyGuard guard(key);
    Child watcher(Tool::Create, {"-k", key, "-s", "64K", "--watch"});
    REQUIRE(watcher.waitFor(2, "ready", 30));
    REQUIRE_EXIT(loadStdin(key, "x", {"--source", kHostile}), 0);

    const ProcessResult info = readContent(key, {"--info"});
    CHECK_EXIT(info, 0);
    CHECK_THAT(info.out, Catch::Matchers::ContainsSubstring("source:     " + kEscaped + "\n"));
    CHECK(info.out.find('\x1b') == std::string::npos);

    REQUIRE(watcher.waitFor(2, "generation 1", 30));
    watcher.signal(SIGTERM);
    const ProcessResult watched = watcher.wait(30);
    CHECK_EXIT(watched, 0);
    CHECK_THAT(watched.err, Catch::Matchers::ContainsSubstring(kEscaped + " by PID"));
    CHECK(watched.err.find("\nshm-read: forged") == std::string::npos);
    CHECK(watched.err.find('\x1b') == std::string::npos);
}

TEST_CASE("error and status lines escape a hostile file name", "[escaping][errors]")
{
    const std::string key = uniqueKey("escapefile");
    Holder holder(key);
    ScratchDir dir;
    const std::string missing = dir.path() + "/no\nsuch\x1b]0;title\x07";
    const ProcessResult result = loadFile(key, missing);
    CHECK_EXIT(result, 5);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("no\\nsuch\\x1b]0;title\\x07"));
}
