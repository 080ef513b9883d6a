#pragma once

#include "process_identity.h"

#include <cstdint>
#include <thread>

/// Wakes the waiters on a futex word when a process exits, so that a reader waiting for a new
/// version learns at once that the holder died instead of sleeping until its timeout. Uses a
/// pidfd: no polling. Does nothing if the process is already gone or pidfds are unavailable
/// (the waiter then finds out at its next wake-up).
class HolderWatch {
public:
    HolderWatch(ProcessIdentity holder, std::uint32_t *word);
    HolderWatch(const HolderWatch &) = delete;
    HolderWatch &operator=(const HolderWatch &) = delete;
    ~HolderWatch();

private:
    int m_pidfd = -1;
    int m_stopfd = -1;
    std::thread m_thread;
};
