// SPDX-License-Identifier: BSD-3-Clause
// --help of every tool carries examples and the exit-code table; the man pages exist for each.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <regex>

using namespace shmtest;

TEST_CASE("every tool's --help has an example section and the whole exit-code table", "[help]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    const ProcessResult help = run(tool, {"--help"});
    CHECK_EXIT(help, 0);
    CHECK(help.err.empty());
    CHECK_THAT(help.out,
               Catch::Matchers::ContainsSubstring("Examples:") && Catch::Matchers::ContainsSubstring("Exit codes:"));
    for (const char *code : {"  0 ", "  1 ", "  2 ", "  3 ", "  4 ", "  5 ", "  6 ", "  7 ", "  8 ", "  9 ", "  130 "})
        CHECK_THAT(help.out, Catch::Matchers::ContainsSubstring(code));
    CHECK_THAT(help.out, Catch::Matchers::ContainsSubstring("--key") &&
                             Catch::Matchers::ContainsSubstring("--timeout") &&
                             Catch::Matchers::ContainsSubstring("--quiet"));
}

TEST_CASE("every tool's --help and man page say what -t bounds and what it does not", "[help]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));
    const ProcessResult help = run(tool, {"--help"});
    CHECK_EXIT(help, 0);
    // --help is wrapped to the terminal: match it as running text.
    const std::string text = std::regex_replace(help.out, std::regex("\n +"), " ");
    CHECK_THAT(text, Catch::Matchers::ContainsSubstring("wait for other processes") && Catch::Matchers::ContainsSubstring("lock") &&
                             !Catch::Matchers::ContainsSubstring("every blocking step"));
    const std::string man = readFile(std::string(SHM_SOURCE_DIR) + "/man/" + toolName(tool) + ".1");
    CHECK_THAT(man, Catch::Matchers::ContainsSubstring("How long to wait for other processes") && !Catch::Matchers::ContainsSubstring("every blocking step"));
}

TEST_CASE("the help of -t names what that tool waits for, and nothing of the other tools", "[help]")
{
    // -t's entry, from its name to the next option, as running text.
    const auto timeoutEntry = [](Tool tool) {
        const ProcessResult help = run(tool, {"--help"});
        CHECK_EXIT(help, 0);
        const std::string text = std::regex_replace(help.out, std::regex("\n +"), " ");
        const auto start = text.find("-t, --timeout SECONDS");
        const auto end = text.find("-q, --quiet", start);
        REQUIRE(start != std::string::npos);
        REQUIRE(end != std::string::npos);
        return text.substr(start, end - start);
    };
    using Catch::Matchers::ContainsSubstring;
    const std::string create = timeoutEntry(Tool::Create);
    CAPTURE(create);
    CHECK_THAT(create, ContainsSubstring("lock when starting") && ContainsSubstring("adopting an orphan") &&
                           ContainsSubstring("--remove for each holder to stop") && !ContainsSubstring("input") &&
                           !ContainsSubstring("output") && !ContainsSubstring("slot") && !ContainsSubstring("version"));
    const std::string load = timeoutEntry(Tool::Load);
    CAPTURE(load);
    CHECK_THAT(load, ContainsSubstring("lock") && ContainsSubstring("free slot") &&
                         ContainsSubstring("Reading the input is not bounded") && !ContainsSubstring("output") &&
                         !ContainsSubstring("--wait") && !ContainsSubstring("--remove"));
    const std::string read = timeoutEntry(Tool::Read);
    CAPTURE(read);
    CHECK_THAT(read, ContainsSubstring("lock") && ContainsSubstring("--wait") && ContainsSubstring("--follow") &&
                         ContainsSubstring("Writing the output is not bounded") && !ContainsSubstring("input") &&
                         !ContainsSubstring("slot") && !ContainsSubstring("--remove"));
}

// shm-create --help listed the size units without KiB, MiB, ... while the man
// page and the error for a bad size listed them: all three now say the same.
TEST_CASE("shm-create --help lists the size units the error and the man page list", "[help][size]")
{
    const ProcessResult help = run(Tool::Create, {"--help"});
    CHECK_EXIT(help, 0);
    const std::string text = std::regex_replace(help.out, std::regex("\n +"), " ");
    const ProcessResult refused = run(Tool::Create, {"-s", "10Q"});
    CHECK_EXIT(refused, 2);
    for (const char *unit : {"KiB, MiB, GiB, TiB (powers of 1024)", "KB (or kB), MB, GB, TB (powers of 1000)"}) {
        CHECK_THAT(text, Catch::Matchers::ContainsSubstring(unit));
        CHECK_THAT(refused.err, Catch::Matchers::ContainsSubstring(unit));
    }
}
