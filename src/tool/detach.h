#pragma once

#include <shmtools/error.h>

#include <functional>
#include <string>
#include <sys/types.h>

struct BackgroundProcess {
    pid_t pid;
    std::string readyMessage; ///< what `startUp` returned
};

/// Runs `startUp` in a background child (its own session, stdio on /dev/null) and waits until it
/// reports readiness. In the child, after a successful start-up, `serve` runs and the child
/// exits with its result. Returns the child's PID and ready message, or the error it reported.
/// Interrupted if an interrupt signal (<shmtools/interrupt.h>) arrives first: the child is then stopped
/// (and removes what it created) before this returns.
shmtools::Result<BackgroundProcess> runInBackground(const std::function<shmtools::Result<std::string>()> &startUp,
                                                    const std::function<int()> &serve);

/// Stops a child started by runInBackground: SIGTERM, so that it cleans up; SIGKILL if it is
/// still there after a few seconds. Reaps it either way.
void stopBackground(pid_t pid);
