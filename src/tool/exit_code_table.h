// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>
#include <vector>

/// One documented exit status: 0 or a shmtools::ErrorCode (error.h), its name (errorCodeName())
/// and what it means.
struct ExitCodeRow {
    int code;
    const char *name;
    const char *meaning;
};

/// The one exit-code table: 0 and every ErrorCode, in ascending order. --help is made from it;
/// a test checks that the README's "Exit codes" table says exactly the same, row by row, and that
/// the man pages' EXIT STATUS (which adds what each code means for that tool) has the same codes.
std::vector<ExitCodeRow> exitCodeRows();

/// The table as --help shows it: "Exit codes:" and one row per code (code, name, meaning).
std::string exitCodeTable();
