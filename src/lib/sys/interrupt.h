// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <thread>

#include <shmtools/interrupt.h>

namespace shmtools::detail {

// The public functions are the core's own (defined in sys/interrupt.cpp).
using shmtools::installInterruptHandlers;
using shmtools::interruptSignal;

/// While set, the handler also bumps this futex word, so a wait that was about to sleep on it
/// returns at once instead of missing the signal. Pass nullptr to clear.
void setInterruptWakeWord(std::uint32_t *word);

/// Marks the calling thread as entering a blocking system call (read, write, waitpid, ...) that
/// no futex word can wake. Returns false, and marks nothing, if an interrupt has already
/// arrived: the call must not be made. While marked, an interrupt that arrives just before the
/// call blocks is repeated (as SIGALRM, every few milliseconds) until endBlockingCall(), so the
/// call always returns EINTR instead of sleeping through it.
bool beginBlockingCall();
void endBlockingCall();

/// Runs `call`, a blocking system call that returns -1 and sets errno on failure, between
/// beginBlockingCall() and endBlockingCall(). Returns -1 with errno EINTR without calling it if
/// an interrupt has already arrived. The one rule for interrupts: the caller retries EINTR only
/// while interruptSignal() is 0.
template <typename Call>
auto interruptibleCall(Call &&call) -> decltype(call())
{
    if (!beginBlockingCall()) {
        errno = EINTR;
        return -1;
    }
    const auto result = call();
    const int error = errno;
    endBlockingCall();
    errno = error;
    return result;
}

/// Starts a helper thread with the interrupt signals blocked, so that they always reach (and
/// interrupt) the thread doing the work. Throws std::system_error (EAGAIN) when the system has
/// no thread to give (a pids cgroup at pids.max, a systemd unit at TasksMax, RLIMIT_NPROC); the
/// caller's signal mask is restored either way.
std::thread startHelperThread(std::function<void()> body);
/// As startHelperThread, for a helper the work can do without: when no thread can be had, an
/// empty (not joinable) std::thread instead of the exception, and `body` never runs.
std::thread startOptionalHelperThread(std::function<void()> body);

} // namespace shmtools::detail
