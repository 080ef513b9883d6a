// SPDX-License-Identifier: BSD-3-Clause
#include "sys/futex.h"

#include "sys/interrupt.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace shmtools::detail {

// Shared (non-PRIVATE) futex operations: the word lives in a SysV segment mapped by several
// processes, and the kernel keys such futexes by the backing page, not the address.

std::uint32_t loadWord(std::uint32_t *word)
{
    return std::atomic_ref<std::uint32_t>(*word).load(std::memory_order_acquire);
}

void bumpAndWake(std::uint32_t *word)
{
    // Called from the interrupt signal handler too: errno is kept for the code it interrupted.
    const int saved = errno;
    std::atomic_ref<std::uint32_t>(*word).fetch_add(1, std::memory_order_seq_cst);
    ::syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
    errno = saved;
}

WaitOutcome waitWhileEqual(std::uint32_t *word, std::uint32_t expected, const Deadline &deadline)
{
    timespec left{};
    if (!deadline.isNever()) {
        left = deadline.remaining();
        if (left.tv_sec == 0 && left.tv_nsec == 0)
            return WaitOutcome::TimedOut;
    }
    // Registered before the flag is checked: a signal after the check changes the word, so the
    // kernel refuses to sleep; a signal before it is seen by the check. Nothing is lost.
    setInterruptWakeWord(word);
    if (interruptSignal()) {
        setInterruptWakeWord(nullptr);
        return WaitOutcome::Interrupted;
    }
    const long rc = ::syscall(SYS_futex, word, FUTEX_WAIT, expected, deadline.isNever() ? nullptr : &left, nullptr, 0);
    const int error = errno;
    setInterruptWakeWord(nullptr);
    errno = error;
    if (interruptSignal())
        return WaitOutcome::Interrupted;
    if (rc == 0 || errno == EAGAIN)
        return WaitOutcome::Changed;
    if (errno == ETIMEDOUT)
        return WaitOutcome::TimedOut;
    return WaitOutcome::Changed;
}

} // namespace shmtools::detail
