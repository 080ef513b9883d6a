// SPDX-License-Identifier: BSD-3-Clause
#include "progress_bar.h"

#include "report_channel.h"
#include "base/size_text.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {
constexpr auto kShowAfter = std::chrono::milliseconds(500);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr int kBarWidth = 24;
constexpr int kMinBarWidth = 10;

std::string clock(double seconds)
{
    const long total = static_cast<long>(seconds + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
    return text;
}
} // namespace

std::string fitProgressLine(const std::string &prefix, double fraction, const std::string &tail, int columns)
{
    const int room = std::max(columns - 1, 1);
    std::string line = prefix;
    if (fraction >= 0) {
        char percent[16];
        std::snprintf(percent, sizeof percent, "%3d%% ", static_cast<int>(fraction * 100));
        const int fixed = static_cast<int>(prefix.size() + 3 + std::string(percent).size() + tail.size());
        const int width = std::min(kBarWidth, room - fixed);
        if (width >= kMinBarWidth) {
            const int filled = static_cast<int>(fraction * width);
            line += '[';
            line.append(static_cast<std::size_t>(filled), '#');
            line.append(static_cast<std::size_t>(width - filled), '.');
            line += "] ";
        }
        line += percent;
    }
    line += tail;
    if (static_cast<int>(line.size()) > room)
        line.resize(static_cast<std::size_t>(room));
    return line;
}

int terminalColumns()
{
    if (winsize size{}; ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    if (const char *columns = std::getenv("COLUMNS")) {
        const int value = std::atoi(columns);
        if (value > 0)
            return value;
    }
    return 80;
}

ProgressBar::ProgressBar(std::string tool, Mode mode)
    : m_tool(std::move(tool)), m_mode(mode), m_terminal(::isatty(STDERR_FILENO) == 1)
{
}

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total)
{
    m_done = done;
    m_total = total;
    if (m_mode == Mode::Never || !m_terminal)
        return;
    const auto now = Clock::now();
    if (!m_shown && m_mode == Mode::Auto && now - m_start < kShowAfter)
        return;
    if (m_shown && now - m_lastDraw < kRedrawEvery)
        return;
    draw(false);
}

void ProgressBar::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_shown || (m_mode == Mode::Always && m_terminal))
        draw(true);
    if (m_shown)
        writeReport("\n");
}

void ProgressBar::draw(bool final)
{
    m_shown = true;
    m_lastDraw = Clock::now();
    const double elapsed = std::chrono::duration<double>(m_lastDraw - m_start).count();
    const double rate = elapsed > 0 ? m_done / elapsed : 0;
    const double fraction = m_total > 0 ? static_cast<double>(m_done) / static_cast<double>(m_total) : -1;
    std::string line = shmtools::detail::formatSize(m_done);
    if (m_total > 0)
        line += " of " + shmtools::detail::formatSize(m_total);
    line += ", " + shmtools::detail::formatSize(static_cast<std::uint64_t>(rate)) + "/s";
    if (final)
        line += ", " + clock(elapsed) + " elapsed";
    else if (m_total > 0 && rate > 0)
        line += ", ETA " + clock(static_cast<double>(m_total - m_done) / rate);
    // Fitted to the width now: a line that wraps redraws as a new line each time.
    writeReport("\r" + fitProgressLine(m_tool + ": ", fraction, line, terminalColumns()) +
                "\033[K"); // clear what a longer previous line left
}
