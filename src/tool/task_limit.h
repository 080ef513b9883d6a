// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <string>

/// The message for a thread or process the system refused (EAGAIN from pthread_create, fork):
/// "WHAT (cause); remedy", the cause being the pids limit of this process's cgroup (pids.max;
/// systemd's TasksMax=) with its figures when they can be read, else that limit or the user's
/// (ulimit -u) in general. `what` says what could not be started ("cannot start a thread").
/// Never fails.
std::string taskLimitMessage(const std::string &what);
