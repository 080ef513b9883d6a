// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Qt's one-count System V semaphore for a key: the lock Qt peers see. Every semget/semop/
// semtimedop/semctl of the library is here.

#include "base/deadline.h"
#include "sys/ipc_names.h"
#include "base/error.h"
#include "base/file_identity.h"

#include <cstdint>
#include <optional>
#include <sys/types.h>

namespace shmtools::detail {

/// Qt's one-count semaphore for a key, taken with a deadline.
class Semaphore {
public:
    /// The semaphore under `names`. NoSegment if it does not exist; Unsafe if not ours alone.
    static Result<Semaphore> open(const IpcNames &names);
    /// The semaphore under `key` (the semaphore key file's, from the file a holder checked and
    /// anchored, never looked up again by path: a key file made anew meanwhile has another key),
    /// made (value 1, mode 0600, as Qt makes it) if there is none:
    /// IPC_CREAT|IPC_EXCL decides who makes it, so racing callers share one and nobody removes
    /// another's. Unsafe if the one found is not ours alone; Failure naming kernel.sem (SEMMNI, SEMMNS)
    /// when the system's semaphore sets are used up. `created` (if given) says whether this call
    /// made it (and so whose it is to remove when what it was made for fails).
    static Result<Semaphore> openOrCreate(const IpcNames &names, key_t key, bool *created = nullptr);
    /// The semaphore under `names` made again (or found, if someone made it meanwhile) after it
    /// was removed under its holder, without a file descriptor: a holder at its RLIMIT_NOFILE
    /// must still repair. Its System V key comes from `keyFile`, the semaphore key file's
    /// recorded identity (device and inode, what ftok reads), which lstat must find at its path.
    /// NoSegment if the file there is not `keyFile`; otherwise fails as openOrCreate.
    static Result<Semaphore> recreate(const IpcNames &names, const FileIdentity &keyFile);
    /// A stand-in for the semaphore under `names` while it is missing (removed under a live
    /// holder, which makes it again): its lock() says NoSegment, and reopen() finds the new one.
    static Semaphore missing(const IpcNames &names) { return Semaphore(-1, names); }
    /// True if this semaphore no longer exists (removed, e.g. by systemd-logind's RemoveIPC).
    bool isGone() const;
    /// The semaphore under this one's key now (the one a holder made again after this one was
    /// removed), as open() finds it.
    Result<Semaphore> reopen() const { return open(m_names); }

    int id() const { return m_semid; }
    /// PID of the last process that changed it: the lock holder while it is taken.
    pid_t lastPid() const;
    /// Removes the semaphore (waiters get EIDRM). Best effort.
    void remove() const;
    /// The PID that left the lock taken and exited without giving it back (it took it without
    /// SEM_UNDO, which Qt and we always use), or 0 if the lock is free or its taker still runs.
    /// A PID reused since is seen through: the process now there started after the lock was
    /// taken (sem_otime), by more than the clocks' whole-second margin.
    pid_t abandonedBy() const;
    /// Who has the lock taken now, as a holder compares it from one look to the next: the PID
    /// that last changed it, that process's start time (0 if no process has that PID) and the
    /// time of the last operation (sem_otime). pid 0 if the lock is free.
    struct Taker {
        pid_t pid = 0;
        std::uint64_t startTime = 0;
        std::int64_t lastOperation = 0;
    };
    Taker taker() const;
    /// Gives back a lock abandonedBy() names (sets the value to 1). Best effort.
    void releaseAbandoned() const;

    /// Tells, from one look to the next, when a lock left taken by a dead process is to be
    /// given back: when the same dead PID has it taken on two looks in a row, or when the
    /// process at the taker's PID is another one than at the last look while no operation
    /// happened meanwhile (the taker died and its PID was reused). A taker that still runs keeps
    /// it. Used by a holder's housekeeping and by every wait for the lock, so that a lock
    /// abandoned where no holder runs (a start) is given back all the same.
    class AbandonWatch {
    public:
        struct Found {
            pid_t pid = 0;       ///< the taker that exited
            bool reused = false; ///< its PID now names another process
        };
        /// Looks once; the taking to give back (releaseAbandoned()), if this look decides it.
        std::optional<Found> look(const Semaphore &semaphore);

    private:
        Taker m_lastTaker;       ///< who had the lock taken at the last look
        pid_t m_abandonedBy = 0; ///< the dead PID seen with the lock taken at the last look
    };

    /// True if it is free and nobody has ever operated on it (value 1, sem_otime 0): made and set,
    /// and never taken since.
    bool neverUsed() const;

    /// True if its creator died between making it (value 0, taken) and setting it to 1: it still
    /// reads 0, nobody has ever operated on it (sem_otime 0), and it was made or last set at least
    /// half a second ago, as sem_ctime's whole seconds tell (a live creator sets it microseconds
    /// after): recognisable 0.5 to 1.5 s after it was made.
    bool bornAbandoned() const;

    class Lock;
    /// Takes the lock (SEM_UNDO: released if we die). One bornAbandoned() is set to 1 first, as
    /// its creator would have; one abandoned by a taker that exited is given back once an
    /// AbandonWatch, looking every second of the wait, says so. TimedOut at the deadline, Interrupted on SIGINT/SIGTERM/SIGHUP,
    /// NoSegment if the semaphore is removed meanwhile.
    Result<Lock> lock(const Deadline &deadline) const;

private:
    /// open()'s work once the key is known.
    static Result<Semaphore> openUnder(const IpcNames &names, key_t key);
    explicit Semaphore(int semid, IpcNames names) : m_semid(semid), m_names(std::move(names)) {}
    int m_semid = -1;
    IpcNames m_names;
};

class Semaphore::Lock {
public:
    Lock(Lock &&other) noexcept : m_semid(other.m_semid) { other.m_semid = -1; }
    Lock &operator=(Lock &&) = delete;
    ~Lock() { unlock(); }
    void unlock();

private:
    friend class Semaphore;
    explicit Lock(int semid) : m_semid(semid) {}
    int m_semid;
};

/// True if a semaphore set exists under the SysV key `key` (of anyone).
bool semaphoreExistsUnder(key_t key);

/// The id of the semaphore set under `key` now, if there is one. Keys come from the low 16 bits
/// of a key file's inode, which the file system reuses as soon as the file is removed: to ask
/// later whether *this* set still exists, keep its id (semaphoreIdExists), not its key.
std::optional<int> semaphoreIdUnder(key_t key);

/// Whether the semaphore set `semid` still exists (ids carry a sequence number: one removed and
/// made anew under the same slot has another id).
bool semaphoreIdExists(int semid);

} // namespace shmtools::detail
