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
                             Catch::Matchers::ContainsSubstring("Reading the input and writing the output are not bounded"));
    CHECK_THAT(text, !Catch::Matchers::ContainsSubstring("every blocking step"));
    const std::string man = readFile(std::string(SHM_SOURCE_DIR) + "/man/" + toolName(tool) + ".1");
    CHECK_THAT(man, Catch::Matchers::ContainsSubstring("How long to wait for other processes") && !Catch::Matchers::ContainsSubstring("every blocking step"));
}
