// SPDX-License-Identifier: BSD-3-Clause
// One exit-code table (src/tool/exit_code_table.cpp, made from shmtools::ErrorCode, whose
// switch fails the build on a code it lacks): --help prints it, and the man pages' EXIT STATUS
// and the README's "Exit codes" list exactly its codes.
#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <regex>
#include <set>
#include <sstream>

using namespace shmtest;

namespace {

using Codes = std::set<int>;

std::string text(const Codes &codes)
{
    std::string out;
    for (int code : codes)
        out += std::to_string(code) + " ";
    return out;
}

Codes matching(const std::string &section, const std::regex &pattern)
{
    Codes codes;
    std::istringstream lines(section);
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_search(line, match, pattern))
            codes.insert(std::stoi(match.str(1)));
    }
    return codes;
}

std::string between(const std::string &text, const std::string &start, const std::string &end)
{
    const auto from = text.find(start);
    REQUIRE(from != std::string::npos);
    const auto to = text.find(end, from + start.size());
    return text.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

} // namespace

TEST_CASE("the exit codes: the man pages and the README list exactly the codes of --help's table", "[help][exit]")
{
    const Tool tool = GENERATE(Tool::Create, Tool::Load, Tool::Read);
    CAPTURE(toolName(tool));
    const ProcessResult help = run(tool, {"--help"});
    REQUIRE_EXIT(help, 0);
    const Codes expected = matching(between(help.out, "Exit codes:\n", "\n\n"), std::regex(R"(^  (\d+) +\S)"));
    // A floor, so that a table that lost its rows (or a parser that finds none) cannot pass.
    for (int code : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130})
        CHECK(expected.count(code) == 1);
    const std::string man = readFile(std::string(SHM_SOURCE_DIR) + "/man/" + toolName(tool) + ".1");
    CHECK(text(matching(between(man, ".SH EXIT STATUS", "\n.SH "), std::regex(R"(^\.B (\d+)$)"))) == text(expected));
    const std::string readme = readFile(std::string(SHM_SOURCE_DIR) + "/README.md");
    CHECK(text(matching(between(readme, "## Exit codes", "\n## "), std::regex(R"(^\| `?(\d+)`? \|)"))) ==
          text(expected));
}
