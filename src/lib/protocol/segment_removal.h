// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Removing a key's segment whole (segment, semaphore, both key files), for `shm-create
// --remove`: a live holder is asked to stop, since only it may remove what it holds; an orphan
// is adopted, exactly as a new holder would adopt it (same lock, same identity checks), and the
// adopting holder then removes everything as any holder does when it stops.

#include "base/error.h"
#include "sys/ipc_names.h"

#include <sys/types.h>

namespace shmtools::detail {

struct Removal {
    bool holderStopped = false; ///< true: a live holder was stopped; false: an orphan was removed
    pid_t holderPid = 0;        ///< the holder that was stopped, or the dead one of the orphan (0: unknown)
    int shmid = -1;             ///< -1: no segment was left, only what else its dead holder had made
    int semid = -1;             ///< the segment's semaphore, -1 if none was found
};

/// Removes the segment under `names`, waiting at most `timeout` seconds (for a live holder to
/// exit, or for an orphan's lock). Where the segment is gone and no holder runs (its holder was
/// killed, then a Qt program's last detach() removed the segment), what is left of the key of
/// this user (semaphore, key files, anchors) is removed, the semaphore under its lock: shmid -1.
/// NoSegment if nothing of the key is there; Unsafe if it is not this user's alone (or its
/// holder is not ours to signal); InvalidContent if it is not a shm-tools segment (a plain Qt
/// segment, or another program's) or a corrupt orphan (the message says how to remove it by
/// hand); TimedOut if the holder did not exit or the lock stayed taken (naming what remains);
/// Interrupted on a signal while waiting (see interrupt.h).
/// A live holder whose segment key file was replaced (a FIFO put there) is found through the
/// list of segments and stopped like one whose key files were removed. What is left afterwards
/// is checked: a holder that died without cleaning up (killed while asked to stop) leaves an
/// orphan, which is then removed too; Failure naming what was removed, what remains and why if
/// anything remains (a key file in a read-only TMPDIR, a FIFO put in a key file's place), if
/// fewer than three descriptors can be opened (RLIMIT_NOFILE), or if /proc cannot tell whether
/// the recorded PID is the process holding the holder's lock.
Result<Removal> removeSegment(const IpcNames &names, double timeout);

} // namespace shmtools::detail
