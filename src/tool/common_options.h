// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "argument_check.h"
#include "progress_bar.h"

#include <CLI/CLI.hpp>
#include <optional>
#include <shmtools/segment.h>
#include <string>
#include <vector>

/// The options all three tools share.
struct CommonOptions {
    std::string key = "fileloader_shm_key";
    double timeout = shmtools::kDefaultLockTimeout.count();
    bool timeoutGiven = false;
    bool keyTyped = false; ///< -k/--key was on the command line (not only $SHM_KEY)
    bool quiet = false;
};

/// The headings --help groups options under, in this order of first use by each tool.
namespace group {
inline const char *const kShow = "What to show";
inline const char *const kWaiting = "Waiting";
inline const char *const kContent = "Content";
inline const char *const kHolding = "Holding";
inline const char *const kRemoving = "Removing";
inline const char *const kArguments = "Arguments";
inline const char *const kCommon = "Common options";
} // namespace group

/// Accepts a whole number from 0 to 2^64-1 (CLI11 itself lets "-1" wrap around).
CLI::Validator wholeNumber();

/// --progress and --no-progress (shm-load, shm-read) under `heading`, worded for `what` ("loads",
/// "reads"); after the parse, progressMode() says which was given last.
void addProgressOptions(CLI::App &app, const char *what, const char *heading);

/// After a successful parse: Always or Never for whichever of --progress and --no-progress was
/// given last (the last wins, as with every repeated option), Auto if neither was.
ProgressBar::Mode progressMode(const CLI::App &app);

/// What -t bounds in a tool, for its --help: only what that tool waits for, in its own options.
struct TimeoutWording {
    std::string waitsFor;   ///< "for the segment lock and for a free slot", ...
    std::string zero;       ///< what 0 means: "do not wait, try once", ...
    std::string notBounded; ///< "Reading the input is not bounded", ... ("" for none)
};

/// "default 10": -t's default (shmtools::kDefaultLockTimeout), for a tool's TimeoutWording, so
/// that --help states the value the tools use.
std::string timeoutDefaultText();

/// Sets up an app for the tool: the formatter of help_format.h, -V/--version, -h/--help and the
/// common options (-t's help worded for the tool by `timeout`, the key's default the effective
/// one: $SHM_KEY when set), and a footer with `examples` and the exit-code table.
void setUpApp(CLI::App &app, CommonOptions &common, const TimeoutWording &timeout, const std::string &examples);

/// The --version text: tool, package version, the git commit it was built from (when built from
/// a git checkout) and the licence.
std::string versionText(const std::string &tool);

/// Parses argv, checking what CLI11 would word for itself in the tools' voice (unknown options
/// with the nearest known one, missing values, `rules`), then the environment the tools depend
/// on ($SHM_KEY set but empty is a usage error; $TMPDIR is resolved, see temp_dir.h). Returns
/// nullopt to go on, or the exit code to return now: 0 after --help or --version, 2 (with one
/// line on stderr) for a usage error or an unusable TMPDIR.
std::optional<int> parseArguments(CLI::App &app, CommonOptions &common, int argc, char **argv,
                                  const std::vector<OptionRule> &rules = {});
