// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/file_identity.h"

#include <cstdint>
#include <optional>
#include <string>
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

/// This process's PID, in the PID namespace it runs in (getpid()).
pid_t currentPid();

/// Where process `pid`'s shared state (its descriptors, its root) is read in /proc: /proc/PID,
/// or, once its main thread has exited (pthread_exit(): /proc/PID then shows a zombie without
/// descriptors while the other threads run on), /proc/PID/task/TID of a thread that still runs.
/// /proc/PID if no thread runs, or /proc cannot tell.
std::string procDirOf(pid_t pid);

/// The directory `path` (an absolute path) as process `pid` sees it, resolved in its own root
/// and mount namespace (through /proc/PID/root): nullopt if it cannot be seen from here
/// (missing there, the process gone, or not ours to inspect).
std::optional<FileIdentity> directorySeenBy(pid_t pid, const std::string &path);
/// The directory `path` as this process sees it; nullopt if it is none.
std::optional<FileIdentity> directoryAt(const std::string &path);

/// Whether process `pid` is in this process's IPC namespace (/proc/PID/ns/ipc is ours); nullopt
/// if that cannot be seen from here (the process gone or hidden, not ours to inspect).
std::optional<bool> sharesIpcNamespace(pid_t pid);

/// True if process `pid` is stopped (/proc/PID/stat state T: SIGSTOP and the like; t: a
/// tracer): it acts on no signal but SIGKILL and SIGCONT until continued. False if it runs, is
/// gone, or /proc cannot tell.
bool isStopped(pid_t pid);

/// The PID, in our PID namespace, of the process whose PID is `pidThere` in the PID namespace
/// with inode `pidNamespace` (/proc/PID/ns/pid): found through /proc when that namespace is a
/// descendant of ours (a container started from here), as the process whose namespace has that
/// inode and whose NSpid ends in `pidThere`. 0 if no such process can be seen from here (an
/// unrelated or ancestor namespace, or /proc not readable).
pid_t pidSeenHere(pid_t pidThere, std::uint64_t pidNamespace);

/// True if process `pid` (of this user) has the file `file` open (through its fd directory,
/// procDirOf): how a raw holder, which has no header to name it, is told from a Qt program that
/// made a plain segment (Qt does not keep its key file open; a shm-tools holder keeps its lock
/// on it).
/// False if it has not, or /proc cannot tell.
bool processHasFileOpen(pid_t pid, const FileIdentity &file);

} // namespace shmtools::detail
