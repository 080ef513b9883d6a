// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/deadline.h"

#include <cstdint>

namespace shmtools::detail {

/// Atomically reads a futex word that lives in shared memory.
std::uint32_t loadWord(std::uint32_t *word);
/// Adds one to the word and wakes every process sleeping on it.
void bumpAndWake(std::uint32_t *word);

enum class WaitOutcome { Changed, TimedOut, Interrupted };
/// Sleeps while `*word == expected`, without polling, until woken, the deadline passes or an
/// interrupt signal (see interrupt.h) arrives, including one that arrived before the call.
/// "Changed" may be spurious: callers re-check their condition.
WaitOutcome waitWhileEqual(std::uint32_t *word, std::uint32_t expected, const Deadline &deadline);

} // namespace shmtools::detail
