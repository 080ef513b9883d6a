// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>
#include <vector>

/// One documented exit status: 0 or a shmtools::ErrorCode (error.h), and what it means.
struct ExitCodeRow {
    int code;
    const char *meaning;
};

/// The one exit-code table: 0 and every ErrorCode, in ascending order. --help is made from it;
/// the man pages' EXIT STATUS and the README's "Exit codes" are checked against it by a test.
std::vector<ExitCodeRow> exitCodeRows();

/// The table as --help shows it: "Exit codes:" and one aligned line per row.
std::string exitCodeTable();
