// SPDX-License-Identifier: BSD-3-Clause
// The progress bar fits the terminal's width (TIOCGWINSZ, else $COLUMNS): its
// text never takes the last column, the bar shrinks, then goes, then the line is cut.
#include "progress_bar.h"

#include "support/catch_compat.h"

#include <cstdlib>

TEST_CASE("fitProgressLine fits the bar to the terminal width", "[output]")
{
    const std::string prefix = "shm-read: ", tail = "512.0 MiB of 1.0 GiB, 180.0 MiB/s, ETA 0:03";
    const int columns = GENERATE(200, 80, 75, 60, 40, 20, 1);
    CAPTURE(columns);
    const std::string line = fitProgressLine(prefix, 0.5, tail, columns);
    CHECK(static_cast<int>(line.size()) <= std::max(columns - 1, 1));
    if (columns >= 200)
        CHECK(line == prefix + "[############............]  50% " + tail);
    if (columns == 75) // 24 cells do not fit, 13 do
        CHECK(line == prefix + "[######.......]  50% " + tail);
    if (columns == 60) // no room for 10 cells: the numbers stay
        CHECK(line == prefix + " 50% " + tail);
}

TEST_CASE("terminalColumns falls back to $COLUMNS off a terminal", "[output]")
{
    ::setenv("COLUMNS", "57", 1);
    CHECK(terminalColumns() == 57); // ctest's stderr is not a terminal
    ::unsetenv("COLUMNS");
    CHECK(terminalColumns() == 80);
}
