#pragma once

#include "sys/process_identity.h"

#include <cstdint>
#include <thread>
#include <vector>

/// Wakes the waiters on a futex word as soon as any of a set of processes exits, so that a
/// wait on a pinned reader, a claiming loader or the holder ends when that process dies
/// instead of at its timeout. Uses pidfds: no polling. A process already gone when the watch
/// starts wakes the word at once; one whose pidfd cannot be opened is left out (the waiter then
/// finds out at its next wake-up).
class ProcessWatch {
public:
    ProcessWatch(const std::vector<ProcessIdentity> &processes, std::uint32_t *word);
    ProcessWatch(const ProcessWatch &) = delete;
    ProcessWatch &operator=(const ProcessWatch &) = delete;
    ~ProcessWatch();

private:
    std::vector<int> m_pidfds;
    int m_stopfd = -1;
    std::thread m_thread;
};
