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

/// In a child between fork and exec: SIGINT, SIGTERM and SIGHUP back to their default action,
/// except those ignored (shmtools::installInterruptHandlers() leaves an ignored one ignored), so
/// that the dispositions the tool inherited are what the child runs with. Async-signal-safe.
void restoreInheritedSignals();
