// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What a running process is doing, read from /proc: lets a test wait until a tool is really
// blocked (in a pipe write, a futex, a read) before it sends a signal, instead of sleeping.

#include <string>
#include <sys/types.h>
#include <vector>

namespace shmtest {

/// The kernel function PID (its main thread) sleeps in ("pipe_write", "futex_wait_queue", ...),
/// or "" if it runs or is gone.
std::string wchanOf(pid_t pid);

/// True if PID (its main thread) sleeps now in a kernel function whose name contains one of
/// NEEDLES: the one place the tests read /proc/PID/wchan (the shell cases: sleeping_in).
bool sleepsIn(pid_t pid, const std::vector<std::string> &needles);

/// Waits up to TIMEOUT until PID sleeps in a kernel function whose name contains one of
/// NEEDLES. True if it did.
bool waitUntilSleepingIn(pid_t pid, const std::vector<std::string> &needles, double timeoutSeconds = 30);

/// The children of PID (from /proc/PID/task/PID/children).
std::vector<pid_t> childrenOf(pid_t pid);

} // namespace shmtest
