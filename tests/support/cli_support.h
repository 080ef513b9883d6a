// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Shorthands for the CLI tests: one call per tool invocation, with the contract's invariants
// that hold for every call checked where it is made (see CHECK_EXIT).

#include "support/process_support.h"

#include <QJsonObject>

#include <string>
#include <string_view>
#include <vector>

namespace shmtest {

/// `shm-load -k KEY [EXTRA] -` with BYTES on stdin.
ProcessResult loadStdin(const std::string &key, const std::string &bytes, const std::vector<std::string> &extra = {});
/// `shm-load -k KEY [EXTRA] PATH`.
ProcessResult loadFile(const std::string &key, const std::string &path, const std::vector<std::string> &extra = {});
/// `shm-read -k KEY [EXTRA]`.
ProcessResult readContent(const std::string &key, const std::vector<std::string> &extra = {});

/// `shm-read -k KEY --json`, parsed. Throws (with the run's description) unless it exits 0 with
/// exactly one JSON object on stdout.
QJsonObject readJson(const std::string &key);

/// The checksum as the tools show it, computed here independently: "xxh3:<16 hex digits>".
std::string xxh3Text(std::string_view bytes);

/// True if TEXT contains WORD not glued to other digits or letters (a PID, a key).
bool containsWord(std::string_view text, std::string_view word);

/// True if TEXT is exactly one line: ends with '\n' and has no other.
bool isOneLine(std::string_view text);

} // namespace shmtest

/// Checks that RESULT exited normally with CODE, printing the whole run if not. RESULT is
/// evaluated once (it is often the run itself).
#define CHECK_EXIT(result, code)                                                                                       \
    do {                                                                                                               \
        const shmtest::ProcessResult &checkedRun_ = (result);                                                          \
        INFO(shmtest::describe(checkedRun_));                                                                          \
        CHECK(checkedRun_.exited(code));                                                                               \
    } while (false)

#define REQUIRE_EXIT(result, code)                                                                                     \
    do {                                                                                                               \
        const shmtest::ProcessResult &checkedRun_ = (result);                                                          \
        INFO(shmtest::describe(checkedRun_));                                                                          \
        REQUIRE(checkedRun_.exited(code));                                                                             \
    } while (false)
