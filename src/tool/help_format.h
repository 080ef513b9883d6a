// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <CLI/CLI.hpp>

#include <string>

/// --help for people: "Usage:", the description, the options under their group's heading in the
/// order the groups were first used, each as "-s, --size SIZE" with its value name (the option's
/// option_text) and its description wrapped to helpWidth() columns, then the footer. No CLI11
/// annotations (Excludes:, Needs:, defaults): what a reader needs is in the descriptions.
class ToolHelpFormatter : public CLI::FormatterBase {
public:
    std::string make_help(const CLI::App *app, std::string name, CLI::AppFormatMode mode) const override;
};

/// The columns to wrap --help to: $COLUMNS if it is a number, else the terminal's width when
/// stdout is one, else 80; never fewer than 40 nor more than 100 (longer lines read badly).
int helpWidth();

/// `text` wrapped at spaces to lines of at most `width` columns (a longer word stands alone), each
/// line after the first indented by `indent` spaces; existing newlines are kept.
std::string wrapText(const std::string &text, std::size_t width, std::size_t indent);
