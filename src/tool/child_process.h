// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <optional>
#include <sys/types.h>

/// Waits up to `timeoutMs` (-1: without limit) for the child `pid` to exit, without being cut
/// short by signals, and reaps it. Its wait status, or nullopt if it still runs.
std::optional<int> waitForChild(pid_t pid, int timeoutMs);

/// Stops the child `pid`: SIGTERM to `target` (the child, or -PGID for its whole process group),
/// so that it can clean up; SIGKILL to `target` if it has not exited after `graceMs`. Reaps it
/// and returns its wait status.
int stopChild(pid_t pid, pid_t target, int graceMs);

/// The second call in every main: notes how SIGPIPE and SIGXFSZ were inherited, for
/// restoreInheritedSignals(), and ignores SIGXFSZ. A write past the file size limit (ulimit -f)
/// then fails with EFBIG, which every write reports as an error naming the limit, instead of
/// the signal ending the tool mid-write without a word (and a holder without removing its
/// segment).
void noteInheritedSignals();

/// In a child between fork and exec (a user's --exec command): every signal the tool handles or
/// ignores for itself goes back to what the tool inherited. SIGINT, SIGTERM and SIGHUP to their
/// default action unless they were ignored (shmtools::installInterruptHandlers() leaves an
/// ignored one ignored); SIGPIPE and SIGXFSZ as noteInheritedSignals() found them.
/// Async-signal-safe.
void restoreInheritedSignals();
