// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Asking a recognised process to stop, and waiting for it to exit, without PID-reuse races:
// the signal goes through a pidfd opened before the caller checks again that the process is
// still the one it means, so it can only reach the process that was checked.

#include "base/deadline.h"
#include "base/error.h"

#include <functional>
#include <sys/types.h>

namespace shmtools::detail {

/// Opens a pidfd on `pid`, then sends SIGTERM through it if `stillTheOne()` (asked after the pidfd
/// pins the process) says it is still the process meant, then waits until it has exited (the
/// whole thread group). NoSegment if it is already gone before the signal (nothing was sent); Unsafe if it is not ours to signal (EPERM); TimedOut if it still runs at
/// `deadline`; Interrupted on SIGINT/SIGTERM/SIGHUP (see interrupt.h) while waiting; Failure if
/// pidfds are unavailable (Linux < 5.3, or no descriptor left), with the cause.
Status stopProcess(pid_t pid, const std::function<bool()> &stillTheOne, const Deadline &deadline);

} // namespace shmtools::detail
