// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>

/// What `tool` tells its user to do about `error`, in the tool's own terms: the flags of the
/// tool at hand (or of shm-create, for what only a holder can change), `error.key` and
/// `error.pid` where the remedy needs them, and `tempDir` (the directory processes meet in)
/// for a holder to be started. Empty for Remedy::None or a value this version does not know.
std::string remedyText(const std::string &tool, const shmtools::Error &error, const std::string &tempDir);

/// For a key that names no segment where one was expected (`shm-create --remove`, `shm-read
/// --list -k`): the nearest key with a segment under this TMPDIR, as shm-read and shm-load
/// suggest it ("did you mean -k KEY? ('shm-read --list' shows your segments)"), or only where to
/// look. Never fails.
std::string otherKeyHint(const std::string &key);
