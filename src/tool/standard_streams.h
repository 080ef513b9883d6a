#pragma once

#include <shmtools/error.h>

/// The first call in every main, before anything opens a descriptor: puts /dev/null on whichever
/// of descriptors 0, 1 and 2 is closed, so that no file, pipe or pidfd the tool opens later
/// becomes its stdin, stdout or stderr by accident. Opened in the direction that fails (stdin
/// write-only, stdout and stderr read-only), so reading a closed stdin or writing a closed
/// stdout still fails (EBADF) instead of silently succeeding.
void occupyStandardDescriptors();

/// Flushes stdout and reports whether everything written to it so far arrived. Failure (with
/// the system's reason) if a write or the flush failed.
shmtools::Status flushStdout();

/// The last step of every main, as coreutils' close_stdout: flushes and closes stdout and
/// checks that every write to it succeeded. If one failed and `code` is 0, reports it (one
/// line on stderr) and returns ErrorCode::Failure; otherwise returns `code`.
int closeStdout(const char *tool, int code);
