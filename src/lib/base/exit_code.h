// SPDX-License-Identifier: BSD-3-Clause
#pragma once

/// The exit codes of all three tools: stable, documented in the README and in each --help.
enum class ExitCode : int {
    Success = 0,
    Failure = 1,         ///< unexpected failure; the message says what
    Usage = 2,           ///< unknown option or bad value
    NoSegment = 3,       ///< no such segment, or its holder is not running
    KeyHeld = 4,         ///< the key is held by another live holder
    InputUnreadable = 5, ///< the input cannot be read
    TooLarge = 6,        ///< the content does not fit the segment's capacity
    TimedOut = 7,        ///< a bounded wait ran out
    InvalidContent = 8,  ///< foreign format, incomplete, or checksum mismatch
    Unsafe = 9,          ///< segment not owned by this user, or open to others
    Interrupted = 130,   ///< SIGINT, SIGTERM or SIGHUP while working
};
