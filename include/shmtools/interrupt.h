#pragma once

// Signals. The library never installs a signal handler by itself: SIGINT, SIGTERM and SIGHUP
// keep whatever disposition the program gives them (by default they end the process, and a
// killed process loses nothing that was published: the protocol is built for that). A program
// that wants blocking calls to return instead, so that it can release what it holds and stop
// cleanly, calls installInterruptHandlers() once.

#include <shmtools/export.h>

namespace shmtools {

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that record the signal instead of ending the
/// process (without SA_RESTART). From then on every blocking call of the API (locks, waits,
/// reads of an input, writes to a descriptor, Holder::serve) returns within a second of such a
/// signal, with ErrorCode::Interrupted. Replaces the program's own handlers for those three
/// signals. Never fails.
SHMTOOLS_EXPORT void installInterruptHandlers();

/// The signal recorded since installInterruptHandlers() (SIGINT, SIGTERM or SIGHUP), or 0.
SHMTOOLS_EXPORT int interruptSignal();

} // namespace shmtools
