// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <functional>
#include <string>
#include <sys/types.h>

/// A background child started by runInBackground that is ready and waits to learn that its PID
/// reached whoever started it. Until handOver() it serves nobody: if this object goes away
/// first (the PID could not be printed; the process was killed), the child removes what it
/// made and exits, so that no holder runs whose PID nobody has.
class BackgroundProcess {
public:
    BackgroundProcess(pid_t pid, std::string readyMessage, int handOverFd)
        : m_pid(pid), m_readyMessage(std::move(readyMessage)), m_handOverFd(handOverFd)
    {
    }
    BackgroundProcess(BackgroundProcess &&other) noexcept;
    BackgroundProcess &operator=(BackgroundProcess &&) = delete;
    ~BackgroundProcess();

    pid_t pid() const { return m_pid; }
    /// What `startUp` returned.
    const std::string &readyMessage() const { return m_readyMessage; }
    /// Tells the child that its PID has been handed over: it serves from now on. Call only once
    /// the PID is out (printed and flushed). If the child has ended meanwhile it is reaped
    /// (ended() is true) and the error says how it ended: Interrupted if a signal stopped it
    /// (it removed what it made), Failure otherwise.
    shmtools::Status handOver();
    /// True once handOver() found the child ended and reaped it: there is nothing to stop.
    bool ended() const { return m_ended; }

private:
    pid_t m_pid;
    std::string m_readyMessage;
    int m_handOverFd;
    bool m_ended = false;
};

/// Runs `startUp` in a background child (its own session, stdio on /dev/null) and waits until it
/// reports how it went. In the child, after a successful start-up and once the parent has called
/// handOver(), `serve` runs and the child exits with its result; if the parent ends or gives up
/// before that, `abandon` runs instead (it removes what startUp made) and the child exits.
/// Returns the ready child, or the error it reported. Interrupted if an interrupt signal
/// (<shmtools/interrupt.h>) arrives first: the child is then stopped (and removes what it
/// created) before this returns.
shmtools::Result<BackgroundProcess> runInBackground(const std::function<shmtools::Result<std::string>()> &startUp,
                                                    const std::function<int()> &serve,
                                                    const std::function<void()> &abandon);

/// Stops a child started by runInBackground: SIGTERM, so that it cleans up; SIGKILL if it is
/// still there after a few seconds. Reaps it either way.
void stopBackground(pid_t pid);
