// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>

/// `word` as the shell needs it in a command the tools suggest: as it is when it holds only
/// characters the shell leaves alone, else in double quotes (readable inside the '...' the
/// messages put around a command) when it holds none of " $ ` \ !, else in single quotes ('
/// written '\''). Never fails.
std::string shellQuote(const std::string &word);

/// `command` for `key`: " -k KEY" appended (KEY quoted by shellQuote), or nothing appended when
/// `key` is the one the tools take without -k (the default key, with $SHM_KEY unset), so that
/// the plain command is suggested. Never fails.
std::string withKey(const std::string &command, const std::string &key);
