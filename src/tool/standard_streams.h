// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string_view>

/// The first call in every main, before anything opens a descriptor: puts /dev/null on whichever
/// of descriptors 0, 1 and 2 is closed, so that no file, pipe or pidfd the tool opens later
/// becomes its stdin, stdout or stderr by accident. Opened in the direction that fails (stdin
/// write-only, stdout and stderr read-only), so reading a closed stdin or writing a closed
/// stdout still fails (EBADF) instead of silently succeeding.
void occupyStandardDescriptors();

/// Flushes stdout and reports whether everything written to it so far arrived. Failure (with
/// the system's reason) if a write or the flush failed.
shmtools::Status flushStdout();

/// Writes `text` to stdout (after what stdio holds for it) with the one write loop of the tools
/// (sys/write_fully.h, shared with the library): a slow or non-blocking stdout is waited for, as long as it
/// takes. Failure with the system's reason and advice for standard output (not for a particular
/// tool's situation) if stdout refuses it; Interrupted on a signal.
shmtools::Status writeStdout(std::string_view text);

/// The last step of every main, as coreutils' close_stdout: writes what reports are still due
/// (drainReports(), at most half a second), flushes and closes stdout and
/// checks that every write to it succeeded. If one failed and `code` is 0, reports it (one
/// line on stderr) and returns ErrorCode::Failure; otherwise returns `code`.
int closeStdout(const char *tool, int code);

/// writeStdout() for a caller that words a failure in its own terms: 0, or the errno of the
/// failure (EINTR on a signal; 0 never stands for a failure).
int writeStdoutOrErrno(std::string_view text);
