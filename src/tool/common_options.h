#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

/// The options all three tools share.
struct CommonOptions {
    std::string key = "fileloader_shm_key";
    double timeout = 10;
    bool timeoutGiven = false;
    bool quiet = false;
};

/// Accepts a whole number from 0 to 2^64-1 (CLI11 itself lets "-1" wrap around).
CLI::Validator wholeNumber();

/// Sets up an app for `tool`: description, --version, the common options, and a footer with
/// `examples` and the exit-code table.
void setUpApp(CLI::App &app, CommonOptions &common, const std::string &examples);

/// Parses argv, then checks the environment the tools depend on ($SHM_KEY set but empty is a
/// usage error; $TMPDIR is resolved, see temp_dir.h). Returns nullopt to go on, or the exit
/// code to return now: 0 after --help or --version, 2 (with one line on stderr) for a usage
/// error or an unusable TMPDIR.
std::optional<int> parseArguments(CLI::App &app, CommonOptions &common, int argc, char **argv);
