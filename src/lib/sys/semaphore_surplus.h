// SPDX-License-Identifier: BSD-3-Clause
#pragma once

namespace shmtools::detail {

// One operation on Qt's semaphore beside the lock itself (sysv.h): giving up a unit that should
// not exist, without blocking and without leaving an undo adjustment behind.

/// Destroys one unit of semaphore `semid` if its value is above 0 (a one-count lock granted
/// twice); the caller holds its own unit. Best effort: never blocks, never fails.
void dropSurplusUnit(int semid);

} // namespace shmtools::detail
