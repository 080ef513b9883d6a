// SPDX-License-Identifier: BSD-3-Clause
// One exit-code table (src/tool/exit_code_table.cpp, made from shmtools::ErrorCode, whose
// switch fails the build on a code it lacks): --help prints it, the README's "Exit codes" says
// exactly the same row by row, and the man pages' EXIT STATUS (which adds what each code means
// for that tool) lists exactly its codes.
#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace shmtest;

namespace {

using Codes = std::set<int>;
using Rows = std::map<int, std::string>; ///< code -> "name | meaning"

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

// --help's rows "  CODE NAME  MEANING", with the lines the formatter wrapped joined again.
Rows helpRows(const std::string &section)
{
    Rows rows;
    int last = -1;
    std::istringstream lines(section);
    const std::regex row(R"(^  (\d+) +(\S+) {2,}(.*)$)"), continued(R"(^ {6,}(\S.*)$)");
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_match(line, match, row))
            rows[last = std::stoi(match.str(1))] = match.str(2) + " | " + match.str(3);
        else if (last >= 0 && std::regex_match(line, match, continued))
            rows[last] += " " + match.str(1);
    }
    return rows;
}

// The README's rows "| CODE | NAME | MEANING |", markdown code quotes removed.
Rows readmeRows(const std::string &section)
{
    Rows rows;
    std::istringstream lines(section);
    const std::regex row(R"(^\| (\d+) \| (.*) \|$)");
    for (std::string line; std::getline(lines, line);) {
        line.erase(std::remove(line.begin(), line.end(), '`'), line.end());
        std::smatch match;
        if (std::regex_match(line, match, row))
            rows[std::stoi(match.str(1))] = match.str(2);
    }
    return rows;
}

} // namespace

TEST_CASE("the exit codes: the README says what --help's table says, the man pages list exactly its codes", "[help][exit]")
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
    const Rows fromHelp = helpRows(between(help.out, "Exit codes:\n", "\n\n"));
    const Rows fromReadme = readmeRows(between(readme, "## Exit codes", "\n## "));
    REQUIRE(fromHelp.size() == expected.size());
    for (const auto &[code, row] : fromHelp) {
        CAPTURE(code);
        CHECK(fromReadme.count(code) == 1);
        if (fromReadme.count(code) == 1)
            CHECK(fromReadme.at(code) == row);
    }
    CHECK(fromReadme.size() == fromHelp.size());
}
