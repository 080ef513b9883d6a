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
    case ErrorCode::Failure:
        return "a failure no other code covers, such as a kernel limit on IPC objects reached or output that "
               "cannot be written (the message says what, and what to do)";
    case ErrorCode::Usage:
        return "usage error: unknown option, bad value (size, key, SHM_KEY, timeout; also a size the kernel "
               "or this process's limits refuse: kernel.shmmax, ulimit -v), unusable TMPDIR";
    case ErrorCode::NoSegment: return "no such segment, or its holder is not running";
    case ErrorCode::KeyHeld: return "the key is held by another live shm-create";
    case ErrorCode::InputUnreadable: return "the input cannot be read (missing, a directory, no permission)";
    case ErrorCode::TooLarge: return "the content does not fit the segment's capacity";
    case ErrorCode::TimedOut: return "timed out waiting for another process (lock, slot, new version)";
    case ErrorCode::InvalidContent:
        return "the segment's content is not valid (another format, incomplete, checksum mismatch), or --raw met "
               "a shm-tools segment";
    case ErrorCode::Unsafe:
        return "refused for safety (segment, semaphore or key file not this user's alone, or open to others; a "
               "key file that is not a regular file)";
    case ErrorCode::Interrupted: return "interrupted by SIGINT, SIGTERM or SIGHUP";
    }
    return nullptr;
}

} // namespace

std::vector<ExitCodeRow> exitCodeRows()
{
    std::vector<ExitCodeRow> rows{{0, "success", "success"}};
    // Every value errorCodeName() knows is an ErrorCode; the codes are exit statuses (0..255).
    for (int code = 1; code < 256; ++code) {
        const auto value = static_cast<ErrorCode>(code);
        if (std::string(shmtools::errorCodeName(value)) != "unknown")
            rows.push_back({code, shmtools::errorCodeName(value), meaningOf(value)});
    }
    return rows;
}

std::string exitCodeTable()
{
    // The help formatter wraps a footer line's text after its last gap of two spaces under itself.
    std::string text = "Exit codes:\n";
    for (const ExitCodeRow &row : exitCodeRows()) {
        char head[32];
        std::snprintf(head, sizeof head, "  %-4d %-16s  ", row.code, row.name);
        text += head + std::string(row.meaning) + "\n";
    }
    return text;
}
