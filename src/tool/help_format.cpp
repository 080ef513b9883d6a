// SPDX-License-Identifier: BSD-3-Clause
#include "help_format.h"

#include <algorithm>
#include <cstdlib>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {

// Option names start in column 2; descriptions in this column when the names fit before it.
constexpr std::size_t kDescriptionColumn = 26;

std::string namesOf(const CLI::Option *option)
{
    std::string names;
    for (const std::string &shortName : option->get_snames())
        names += (names.empty() ? "-" : ", -") + shortName;
    for (const std::string &longName : option->get_lnames())
        names += (names.empty() ? "--" : ", --") + longName;
    if (option->get_positional())
        return option->get_name(true, false);
    if (!option->get_option_text().empty())
        names += " " + option->get_option_text();
    return names;
}

std::string optionEntry(const CLI::Option *option, std::size_t width)
{
    std::string entry = "  " + namesOf(option);
    const std::string description = wrapText(option->get_description(), width - kDescriptionColumn,
                                             kDescriptionColumn);
    if (entry.size() + 2 > kDescriptionColumn)
        entry += "\n" + std::string(kDescriptionColumn, ' ');
    else
        entry += std::string(kDescriptionColumn - entry.size(), ' ');
    return entry + description + "\n";
}

// A footer line ("  shm-read --list      your segments ...", "  8    not valid ...") wider
// than `width`: its description, the text after the last gap of two spaces, is wrapped under
// itself (or, when that column leaves too little room, four columns in).
std::string wrapFooterLine(const std::string &line, std::size_t width)
{
    if (line.size() <= width)
        return line;
    const std::size_t gap = line.rfind("  ");
    const std::size_t column = gap == std::string::npos || gap < 2 ? std::string::npos
                                                                  : line.find_first_not_of(' ', gap);
    if (column == std::string::npos)
        return wrapText(line, width, 4);
    const std::string description = line.substr(column);
    if (column <= width / 2)
        return line.substr(0, column) + wrapText(description, width - column, column);
    // The command is kept whole on its line; its description goes below, indented.
    constexpr std::size_t kIndent = 6;
    const std::string command = line.substr(0, line.find_last_not_of(' ', gap) + 1);
    return command + "\n" + std::string(kIndent, ' ') +
           wrapText(description, width - kIndent, kIndent);
}

std::string wrapFooter(const std::string &footer, std::size_t width)
{
    std::string out;
    std::size_t at = 0;
    while (at < footer.size()) {
        const std::size_t end = std::min(footer.find('\n', at), footer.size());
        out += wrapFooterLine(footer.substr(at, end - at), width);
        if (end < footer.size())
            out += '\n';
        at = end + 1;
    }
    return out;
}

} // namespace

int helpWidth()
{
    int columns = 0;
    if (const char *fromEnvironment = std::getenv("COLUMNS"))
        columns = std::atoi(fromEnvironment);
    winsize size{};
    if (columns <= 0 && ::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
        columns = size.ws_col;
    if (columns <= 0)
        columns = 80;
    return std::clamp(columns, 40, 100);
}

std::string wrapText(const std::string &text, std::size_t width, std::size_t indent)
{
    std::string out;
    std::size_t lineLength = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        if (text[at] == '\n') {
            out += "\n" + std::string(indent, ' ');
            lineLength = 0;
            ++at;
            continue;
        }
        if (text[at] == ' ') {
            ++at;
            continue;
        }
        const std::size_t end = std::min(text.find_first_of(" \n", at), text.size());
        const std::string word = text.substr(at, end - at);
        if (lineLength > 0 && lineLength + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            lineLength = 0;
        } else if (lineLength > 0) {
            out += ' ';
            ++lineLength;
        }
        out += word;
        lineLength += word.size();
        at = end;
    }
    return out;
}

std::string ToolHelpFormatter::make_help(const CLI::App *app, std::string, CLI::AppFormatMode) const
{
    const std::size_t width = static_cast<std::size_t>(helpWidth());
    const std::vector<const CLI::Option *> options = app->get_options();
    std::string usage = "Usage: " + app->get_name() + " [OPTIONS]";
    for (const CLI::Option *option : options)
        if (option->get_positional())
            usage += option->get_required() ? " " + option->get_name(true, false)
                                            : " [" + option->get_name(true, false) + "...]";
    std::string out = usage + "\n" + wrapText(app->get_description(), width, 0) + "\n";

    std::vector<std::string> groups;
    for (const CLI::Option *option : options)
        if (!option->get_group().empty() &&
            std::find(groups.begin(), groups.end(), option->get_group()) == groups.end())
            groups.push_back(option->get_group());
    for (const std::string &group : groups) {
        out += "\n" + group + ":\n";
        for (const CLI::Option *option : options)
            if (option->get_group() == group)
                out += optionEntry(option, width);
    }
    if (!app->get_footer().empty())
        out += "\n" + wrapFooter(app->get_footer(), width);
    return out;
}
