// SPDX-License-Identifier: BSD-3-Clause
#include "exit_code_table.h"

#include <cstdio>

using shmtools::ErrorCode;

namespace {

// A switch without default: -Wswitch (in -Wall, an error with -Werror) fails the build when
// ErrorCode gains a value this table does not describe.
const char *meaningOf(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Failure: return "unexpected failure (the message says what)";
    case ErrorCode::Usage: return "usage error (unknown option, bad value, empty SHM_KEY, unusable TMPDIR)";
    case ErrorCode::NoSegment: return "no such segment, or its holder is not running";
    case ErrorCode::KeyHeld: return "the key is held by another live shm-create";
    case ErrorCode::InputUnreadable: return "the input cannot be read";
    case ErrorCode::TooLarge: return "the content does not fit the segment's capacity";
    case ErrorCode::TimedOut: return "timed out";
    case ErrorCode::InvalidContent:
        return "the segment's content is not valid (foreign format, incomplete, checksum), or --raw met a "
               "shm-tools segment";
    case ErrorCode::Unsafe: return "refused for safety (segment not owned by this user, or open to others)";
    case ErrorCode::Interrupted: return "interrupted";
    }
    return nullptr;
}

} // namespace

std::vector<ExitCodeRow> exitCodeRows()
{
    std::vector<ExitCodeRow> rows{{0, "success"}};
    // Every value errorCodeName() knows is an ErrorCode; the codes are exit statuses (0..255).
    for (int code = 1; code < 256; ++code) {
        const auto value = static_cast<ErrorCode>(code);
        if (std::string(shmtools::errorCodeName(value)) != "unknown")
            rows.push_back({code, meaningOf(value)});
    }
    return rows;
}

std::string exitCodeTable()
{
    std::string text = "Exit codes:\n";
    for (const ExitCodeRow &row : exitCodeRows()) {
        char line[160];
        std::snprintf(line, sizeof line, "  %-4d %s\n", row.code, row.meaning);
        text += line;
    }
    return text;
}
