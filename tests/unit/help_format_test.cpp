// SPDX-License-Identifier: BSD-3-Clause
// --help's layout: words wrapped at spaces to the width, continuation lines indented, and the
// width taken from $COLUMNS, else 80 off a terminal, within 40..100.
#include "help_format.h"

#include "support/catch_compat.h"

#include <cstdlib>
#include <sstream>

TEST_CASE("wrapText wraps at spaces, indents continuations and keeps a long word whole", "[help]")
{
    CHECK(wrapText("one two three four", 9, 2) == "one two\n  three\n  four");
    CHECK(wrapText("short", 80, 4) == "short");
    CHECK(wrapText("a verylongwordindeed b", 5, 0) == "a\nverylongwordindeed\nb");
    CHECK(wrapText("first\nsecond", 80, 3) == "first\n   second");
    const std::string text = "How long to wait for other processes, in seconds (decimals allowed): for the segment lock";
    std::istringstream lines(wrapText(text, 30, 0));
    for (std::string line; std::getline(lines, line);)
        CHECK(line.size() <= 30);
}

TEST_CASE("helpWidth follows $COLUMNS, clamped to 40..100, and is 80 off a terminal", "[help]")
{
    const char *saved = std::getenv("COLUMNS");
    const std::string restore = saved ? saved : "";
    const auto [columns, width] = GENERATE(table<std::string, int>({
        {"60", 60},
        {"20", 40},
        {"300", 100},
        {"junk", 80}, // not a number: as if unset (the tests' stdout is not a terminal)
    }));
    ::setenv("COLUMNS", columns.c_str(), 1);
    CHECK(helpWidth() == width);
    if (saved)
        ::setenv("COLUMNS", restore.c_str(), 1);
    else
        ::unsetenv("COLUMNS");
}
