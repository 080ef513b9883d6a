#include "interrupt.h"

#include "futex.h"

#include <atomic>
#include <csignal>

namespace {

volatile std::sig_atomic_t g_signal = 0;
std::atomic<std::uint32_t *> g_wakeWord{nullptr};
static_assert(std::atomic<std::uint32_t *>::is_always_lock_free);

extern "C" void onInterrupt(int signal)
{
    g_signal = signal;
    // A waiter about to sleep on the word sees it change; one already asleep is woken. Both
    // steps are async-signal-safe (a lock-free atomic and a system call).
    if (std::uint32_t *word = g_wakeWord.load())
        bumpAndWake(word);
}

} // namespace

void installInterruptHandlers()
{
    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: blocking calls must return EINTR
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        sigaction(signal, &action, nullptr);
}

int interruptSignal()
{
    return g_signal;
}

void setInterruptWakeWord(std::uint32_t *word)
{
    g_wakeWord.store(word);
}

std::thread startHelperThread(std::function<void()> body)
{
    sigset_t interrupts, previous;
    sigemptyset(&interrupts);
    for (int signal : {SIGINT, SIGTERM, SIGHUP})
        sigaddset(&interrupts, signal);
    pthread_sigmask(SIG_BLOCK, &interrupts, &previous); // inherited by the new thread
    std::thread thread(std::move(body));
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return thread;
}
