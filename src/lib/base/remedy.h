// SPDX-License-Identifier: BSD-3-Clause
#pragma once

/// What the user of a failed operation can do about it. The core states the facts in the
/// message and the remedy as this value, never as text: only the caller knows how it is driven
/// (a tool's flags, a program's settings), so only the caller can word the remedy. Advice that
/// is the same for every caller and names no shm-tools program, option or variable ("use
/// another key", "remove it with 'ipcrm -m ID'") stays in the message.
/// The values are shmtools::Remedy's (include/shmtools/error.h), value for value.
enum class Remedy : int {
    None = 0,                          ///< nothing beyond what the message says
    StartHolder = 1,                   ///< no holder runs for the key: start one
    AdoptOrphan = 2,                   ///< the holder died, its segment remains: start a holder to adopt it
    RestartHolder = 3,                 ///< the segment is unusable: stop its holder (Error::pid if known), start anew
    UseMatchingVersion = 4,            ///< another format version: use that version, or restart the holder
    StopHolderOrChooseAnotherKey = 5,  ///< a live process (Error::pid) holds the key
    GiveKey = 6,                       ///< no key was given
    UseRaw = 7,                        ///< a plain (not shm-tools) segment: open it raw
    UseWithoutRaw = 8,                 ///< a shm-tools segment: do not open it raw
    RaiseTimeout = 9,                  ///< a bounded wait ran out: retry, or wait longer
    RaiseTimeoutOrStopLockHolder = 10, ///< the lock stayed taken (by Error::pid if known)
    LargerCapacity = 11,               ///< the content does not fit: a holder with a larger capacity
    SmallerCapacity = 12,              ///< the capacity asked for cannot be made: ask for less
};
