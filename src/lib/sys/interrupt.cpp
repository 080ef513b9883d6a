// SPDX-License-Identifier: BSD-3-Clause
#include "sys/interrupt.h"

#include <atomic>
#include <climits>
#include <csignal>
#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <system_error>
#include <unistd.h>

namespace shmtools::detail {

namespace {

constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};
// How soon an interrupt is repeated to a blocking call that it may have missed.
constexpr long kNudgeNanoseconds = 5'000'000;

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_inBlockingCall = 0;
volatile std::sig_atomic_t g_nudgeArmed = 0;
std::atomic<std::uint32_t *> g_wakeWord{nullptr};
static_assert(std::atomic<std::uint32_t *>::is_always_lock_free);
timer_t g_nudgeTimer{};
bool g_haveNudgeTimer = false;

// Async-signal-safe: timer_settime is on POSIX's list.
void armNudge()
{
    if (!g_haveNudgeTimer)
        return;
    itimerspec once{};
    once.it_value.tv_nsec = kNudgeNanoseconds;
    g_nudgeArmed = 1;
    timer_settime(g_nudgeTimer, 0, &once, nullptr);
}

extern "C" void onInterrupt(int signal)
{
    const int savedErrno = errno; // the interrupted code may be about to read it
    g_signal = signal;
    // A waiter about to sleep on the word sees it change; one already asleep is woken. Both
    // steps are async-signal-safe (a lock-free atomic and a system call). The wake is made here
    // with the system call itself, so that this file does not depend on futex.cpp (which
    // depends on it).
    if (std::uint32_t *word = g_wakeWord.load()) {
        __atomic_fetch_add(word, 1, __ATOMIC_SEQ_CST);
        ::syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
    }
    // The signal may have arrived between the caller's check and the system call: repeat it
    // until the call has returned.
    if (g_inBlockingCall)
        armNudge();
    errno = savedErrno;
}

extern "C" void onNudge(int)
{
    const int savedErrno = errno;
    if (g_inBlockingCall && g_signal)
        armNudge();
    errno = savedErrno;
}

void createNudgeTimer()
{
    struct sigaction action {};
    action.sa_handler = onNudge;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: its whole purpose is to make a blocking call return
    sigaction(SIGALRM, &action, nullptr);
    // Aimed at this thread, the one that receives the interrupt signals (helper threads block
    // them) and so the one whose blocking calls they must end.
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = SIGALRM;
    event._sigev_un._tid = static_cast<pid_t>(::gettid()); // sigev_notify_thread_id, which glibc 2.36 lacks
    g_haveNudgeTimer = timer_create(CLOCK_MONOTONIC, &event, &g_nudgeTimer) == 0;
}

} // namespace

void setInterruptWakeWord(std::uint32_t *word)
{
    g_wakeWord.store(word);
}

bool beginBlockingCall()
{
    g_inBlockingCall = 1;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (g_signal) {
        endBlockingCall();
        return false;
    }
    return true;
}

void endBlockingCall()
{
    g_inBlockingCall = 0;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (g_nudgeArmed) {
        // A repeat still due would interrupt whatever comes next (the clean-up's locks).
        const itimerspec off{};
        timer_settime(g_nudgeTimer, 0, &off, nullptr);
        g_nudgeArmed = 0;
    }
}

std::thread startHelperThread(std::function<void()> body)
{
    sigset_t interrupts, previous;
    sigemptyset(&interrupts);
    for (int signal : kInterruptSignals)
        sigaddset(&interrupts, signal);
    sigaddset(&interrupts, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &interrupts, &previous); // inherited by the new thread
    std::thread thread;
    try {
        thread = std::thread(std::move(body));
    } catch (...) {
        // Left blocked, no interrupt would ever reach this thread again.
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return thread;
}

std::thread startOptionalHelperThread(std::function<void()> body)
{
    try {
        return startHelperThread(std::move(body));
    } catch (const std::system_error &) {
        return {};
    }
}

} // namespace shmtools::detail

// The public interrupt functions (include/shmtools/interrupt.h) are these, not forwarders.
namespace shmtools {

using namespace detail;

void installInterruptHandlers()
{
    createNudgeTimer();
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: blocking calls must return EINTR
    for (int signal : kInterruptSignals) {
        // An ignored signal stays ignored (nohup, background jobs): then whoever the program
        // execs inherits it ignored too, and nothing has to be given back before an exec.
        struct sigaction inherited {};
        sigaction(signal, nullptr, &inherited);
        if (inherited.sa_handler != SIG_IGN)
            sigaction(signal, &action, nullptr);
    }
}

int interruptSignal()
{
    return g_signal;
}

long interruptibleCall(const std::function<long()> &call)
{
    return detail::interruptibleCall(call);
}

} // namespace shmtools
