// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

/// One redraw of a progress bar fitted to `columns` (the terminal's width): "PREFIX[####....]
/// 42% TAIL" with the bar between 10 and 24 cells, or without the bar, or cut, so that the text
/// takes at most columns - 1 cells (the last column would wrap on some terminals). `fraction` is
/// negative when the total is unknown (no bar, no percentage). Never fails.
std::string fitProgressLine(const std::string &prefix, double fraction, const std::string &tail, int columns);

/// The width of the terminal on stderr (TIOCGWINSZ), else $COLUMNS, else 80.
int terminalColumns();

/// A progress bar with rate and ETA on stderr. In Auto mode it appears only when stderr is a
/// terminal and the transfer has taken longer than half a second, so scripts get clean stderr.
class ProgressBar {
public:
    enum class Mode { Auto, Always, Never };
    ProgressBar(std::string tool, Mode mode);
    ~ProgressBar();

    /// (done, total) as the library reports it; total 0 when unknown.
    void update(std::uint64_t done, std::uint64_t total);
    /// Draws the final state (if the bar is showing, or forced) and ends the line.
    void finish();

private:
    void draw(bool final);
    using Clock = std::chrono::steady_clock;
    std::string m_tool;
    Mode m_mode;
    bool m_terminal;
    bool m_shown = false;
    bool m_finished = false;
    Clock::time_point m_start = Clock::now();
    Clock::time_point m_lastDraw{};
    std::uint64_t m_done = 0;
    std::uint64_t m_total = 0;
};
