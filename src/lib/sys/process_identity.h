// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstdint>
#include <sys/types.h>

namespace shmtools::detail {

/// A process as it can be recognised later: a PID alone can be reused, PID plus the kernel's
/// start time (clock ticks since boot, /proc/PID/stat field 22) cannot.
struct ProcessIdentity {
    pid_t pid = 0;
    std::uint64_t startTime = 0;

    /// This process. Never fails (falls back to start time 0 if /proc is unreadable).
    static ProcessIdentity self();
    /// PID's identity now, or one with pid 0 if no such process exists.
    static ProcessIdentity of(pid_t pid);
    /// True while this very process (same PID and start time) still runs.
    bool isAlive() const;
};

/// The PID, in our PID namespace, of the process whose PID is `pidThere` in the PID namespace
/// with inode `pidNamespace` (/proc/PID/ns/pid): found through /proc when that namespace is a
/// descendant of ours (a container started from here), as the process whose namespace has that
/// inode and whose NSpid ends in `pidThere`. 0 if no such process can be seen from here (an
/// unrelated or ancestor namespace, or /proc not readable).
pid_t pidSeenHere(pid_t pidThere, std::uint64_t pidNamespace);

} // namespace shmtools::detail
