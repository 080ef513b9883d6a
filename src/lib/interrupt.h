#pragma once

#include <cstdint>
#include <functional>
#include <thread>

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that record the signal instead of dying, so
/// that blocking steps return ExitCode::Interrupted and resources (pins, claims, locks, the
/// holder's segment) are released on the way out. System calls are not restarted.
void installInterruptHandlers();
/// The signal received since installation, or 0.
int interruptSignal();
/// While set, the handler also bumps this futex word, so a wait that was about to sleep on it
/// returns at once instead of missing the signal. Pass nullptr to clear.
void setInterruptWakeWord(std::uint32_t *word);

/// Starts a helper thread with the interrupt signals blocked, so that they always reach (and
/// interrupt) the thread doing the work.
std::thread startHelperThread(std::function<void()> body);
