// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Signals. The library never installs a signal handler by itself: SIGINT, SIGTERM and SIGHUP
// keep whatever disposition the program gives them (by default they end the process, and a
// killed process loses nothing that was published: the protocol is built for that). A program
// that wants blocking calls to return instead, so that it can release what it holds and stop
// cleanly, calls installInterruptHandlers() once.
//
// These three functions are the interrupt state's only door: the flag the handlers set and the
// repeat timer live once in libshmtools, which every blocking call of the API consults. A
// program that installs the handlers needs the other two for the same reasons the tools do: to
// see the signal, and to make its own blocking calls follow the rule.

#include <shmtools/export.h>

#include <functional>

namespace shmtools {

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that record the signal instead of ending the
/// process (without SA_RESTART). From then on every blocking call of the API (locks, waits,
/// reads of an input, writes to a descriptor, Holder::serve) returns within a second of such a
/// signal, with ErrorCode::Interrupted. Replaces the program's own handlers for those three
/// signals; one the process ignores (SIG_IGN, as `nohup` or a background job starts it) stays
/// ignored. Never fails.
SHMTOOLS_EXPORT void installInterruptHandlers();

/// The signal recorded since installInterruptHandlers() (SIGINT, SIGTERM or SIGHUP), or 0.
/// Async-signal-safe. Never fails.
SHMTOOLS_EXPORT int interruptSignal();

/// Runs `call`, a blocking system call of the program's own (read, waitpid, ...) that returns -1
/// and sets errno on failure, so that an interrupt arriving just before it blocks still ends it
/// with EINTR; returns -1 with errno EINTR, without calling it, if an interrupt has already
/// arrived. The rule for interrupts: retry EINTR only while interruptSignal() is 0. Fails only
/// as `call` fails (its -1 and errno are returned as they are).
SHMTOOLS_EXPORT long interruptibleCall(const std::function<long()> &call);

} // namespace shmtools
