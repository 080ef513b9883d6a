// SPDX-License-Identifier: BSD-3-Clause
#include "sys/semaphore_surplus.h"

#include <sys/sem.h>

namespace shmtools::detail {

void dropSurplusUnit(int semid)
{
    // Without SEM_UNDO: the unit is gone for good, not handed back when we exit. IPC_NOWAIT:
    // a value of 0 (the normal case while we hold the lock) leaves it alone at once.
    sembuf drop{0, -1, IPC_NOWAIT};
    ::semop(semid, &drop, 1);
}

} // namespace shmtools::detail
