// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

/// A rule between two options that CLI11 would otherwise word for itself: `option` cannot be
/// combined with `other` (Excludes), or works only together with it (Needs). `why` (may be
/// empty) ends the message: what to do instead.
struct OptionRule {
    enum class Kind { Excludes, Needs };
    Kind kind;
    std::string option;
    std::string other;
    std::string why;
};

/// Before CLI11 parses `args` (argv without the program name): the first option `app` does
/// not know ("unknown option --szie; did you mean --size?"), that lacks its value ("--key
/// needs a value (KEY)") or whose value is empty ("-o ''", "--output="), or an empty argument
/// ("shm-load ''"), as one problem for reportUsage(); nullopt if there is none.
std::optional<std::string> findArgumentProblem(const CLI::App &app, const std::vector<std::string> &args);

/// Whether the option `name` ("--key") appears in `args` (argv without the program name), in any
/// spelling ("-k K", "-qkK", "--key=K"), before "--": typed, not taken from the environment
/// (CLI11's count() counts $SHM_KEY too). Never fails.
bool optionTyped(const CLI::App &app, const std::vector<std::string> &args, const std::string &name);

/// After a successful parse: the first rule that the given options break, worded; nullopt if
/// none does.
std::optional<std::string> findRuleProblem(const CLI::App &app, const std::vector<OptionRule> &rules);

/// A parse error CLI11 raised for what findArgumentProblem() does not catch (a bad value, an
/// unexpected argument, a missing one), as one problem for reportUsage().
std::string describeParseError(const CLI::App &app, const CLI::ParseError &error);
