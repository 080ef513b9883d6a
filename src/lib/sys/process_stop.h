#pragma once

// Asking a recognised process to stop, and waiting for it to exit, without PID-reuse races:
// the signal goes through a pidfd opened before the process's identity is checked again, so it
// can only reach the process that was checked.

#include "base/deadline.h"
#include "base/result.h"
#include "sys/process_identity.h"

/// Sends SIGTERM to `process` if it still runs (same PID and start time), then waits until it
/// has exited (the whole thread group). NoSegment if it is already gone before the signal
/// (nothing was sent); Unsafe if it is not ours to signal (EPERM); TimedOut if it still runs at
/// `deadline`; Interrupted on SIGINT/SIGTERM/SIGHUP (see interrupt.h) while waiting; Failure if
/// pidfds are unavailable (Linux < 5.3, or no descriptor left), with the cause.
Status stopProcess(const ProcessIdentity &process, const Deadline &deadline);
