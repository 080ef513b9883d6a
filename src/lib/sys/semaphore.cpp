// SPDX-License-Identifier: BSD-3-Clause
#include "sys/semaphore.h"

#include "sys/interrupt.h"
#include "sys/key_file.h"
#include "sys/process_identity.h"
#include "base/size_text.h"
#include "sys/text_file.h"

#include <cerrno>
#include <ctime>
#include <cstring>
#include <sstream>
#include <limits>
#include <optional>
#include <string>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {
// sem_otime and process start times (from btime) have whole seconds, on two clocks: events
// this far apart are surely in that order.
constexpr std::int64_t kClockMarginSeconds = 2;
// How often a lock wait looks for a semaphore whose creator died before setting it, or whose
// taker exited without giving it back.
constexpr long kLookEveryNanoseconds = 500'000'000;

bool hasPassed(const Deadline &deadline)
{
    const timespec left = deadline.remaining();
    return left.tv_sec == 0 && left.tv_nsec == 0;
}

std::string describeErrno(int error)
{
    return std::strerror(error);
}

// When a process whose start time is `ticks` (clock ticks since boot, /proc/PID/stat) started,
// in seconds since the epoch: /proc/stat's btime plus the ticks. nullopt if unknown.
std::optional<std::int64_t> startedAtUnixSeconds(std::uint64_t ticks)
{
    std::istringstream stat(readTextFile("/proc/stat").value_or(""));
    std::string name;
    std::int64_t bootTime = -1;
    while (stat >> name) {
        if (name == "btime") {
            stat >> bootTime;
            break;
        }
        stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    if (bootTime < 0 || ticksPerSecond <= 0 || ticks == 0)
        return std::nullopt;
    return bootTime + static_cast<std::int64_t>(ticks / static_cast<std::uint64_t>(ticksPerSecond));
}

} // namespace

Result<Semaphore> Semaphore::recreate(const IpcNames &names, const FileIdentity &keyFile)
{
    // lstat needs no descriptor; the key is the recorded file's, whatever is at the path by the
    // time semget runs (a file swapped in there meanwhile is the next housekeeping's to put back).
    if (!isSameFile(names.semaphoreKeyFile, keyFile))
        return makeError(ErrorCode::NoSegment,
                         names.key + ": the semaphore key file " + names.semaphoreKeyFile + " is not in place",
                         Remedy::StartHolder);
    return openOrCreate(names, qtKeyOf(keyFile.device, keyFile.inode), nullptr);
}

Result<Semaphore> Semaphore::openOrCreate(const IpcNames &names, key_t key, bool *created)
{
    if (created)
        *created = false;
    const int semid = ::semget(key, 1, 0600 | IPC_CREAT | IPC_EXCL);
    if (semid == -1) {
        const int error = errno;
        if (error == EEXIST)
            return openUnder(names, key);
        if (error == ENOSPC)
            return makeError(ErrorCode::Failure,
                             names.key + ": cannot create the segment's semaphore (ENOSPC: the system's semaphores "
                                         "are used up: kernel.sem SEMMNI, sets, its 4th field, or SEMMNS, "
                                         "semaphores in all, its 2nd field); remove unused ones (ipcs -s) or raise "
                                         "kernel.sem");
        return makeError(ErrorCode::Failure, names.key + ": semget: " + describeErrno(error));
    }
    // Until this, the new semaphore reads 0 (taken): a racing locker waits a moment, no longer.
    if (::semctl(semid, 0, SETVAL, 1) != 0) {
        const int error = errno;
        ::semctl(semid, 0, IPC_RMID);
        return makeError(ErrorCode::Failure, names.key + ": semctl SETVAL: " + describeErrno(error));
    }
    if (created)
        *created = true;
    return Semaphore(semid, names);
}

bool Semaphore::isGone() const
{
    semid_ds ds{};
    return ::semctl(m_semid, 0, IPC_STAT, &ds) != 0 && (errno == EINVAL || errno == EIDRM);
}

Result<Semaphore> Semaphore::open(const IpcNames &names)
{
    auto keyFile = keyFileAt(names.semaphoreKeyFile, names, "semaphore");
    if (!keyFile)
        return keyFile.error();
    return openUnder(names, keyFile->key);
}

Result<Semaphore> Semaphore::openUnder(const IpcNames &names, key_t key)
{
    const int semid = ::semget(key, 1, 0);
    if (semid == -1) {
        if (errno == ENOENT)
            return makeError(ErrorCode::NoSegment, names.key + ": no semaphore for the segment (its holder stopped)",
                             Remedy::StartHolder);
        if (errno == EACCES)
            return makeError(ErrorCode::Unsafe,
                             names.key + ": refusing: the semaphore belongs to another user; use another key");
        return makeError(ErrorCode::Failure, names.key + ": semget: " + describeErrno(errno));
    }
    semid_ds ds{};
    if (::semctl(semid, 0, IPC_STAT, &ds) != 0) {
        // Removed between semget and this (a Qt program's failed create(), a holder stopping):
        // as if semget had not found it, which a start takes for a lost race and begins again.
        if (errno == EIDRM || errno == EINVAL)
            return makeError(ErrorCode::NoSegment,
                             names.key + ": the segment's semaphore was removed as it was opened (its holder "
                                         "stopped, or a Qt program's create() gave up)",
                             Remedy::StartHolder);
        return makeError(ErrorCode::Failure, names.key + ": semctl IPC_STAT: " + describeErrno(errno));
    }
    const uid_t me = ::geteuid();
    if (ds.sem_perm.uid != me || ds.sem_perm.cuid != me || (ds.sem_perm.mode & 077))
        return makeError(ErrorCode::Unsafe, names.key + ": refusing: semaphore " + std::to_string(semid) +
                                               " is not yours alone (uid " + std::to_string(ds.sem_perm.uid) +
                                               "); use another key");
    return Semaphore(semid, names);
}

pid_t Semaphore::lastPid() const
{
    const int pid = ::semctl(m_semid, 0, GETPID);
    return pid > 0 ? pid : 0;
}

pid_t Semaphore::abandonedBy() const
{
    const pid_t pid = lastPid();
    if (pid == 0 || ::semctl(m_semid, 0, GETVAL) != 0)
        return 0;
    const ProcessIdentity now = ProcessIdentity::of(pid);
    if (now.pid == 0)
        return pid;
    // The PID may have been reused since the taker exited: a process that started after the lock
    // was taken (sem_otime) cannot be its taker. Seconds apart by a margin (sem_otime has whole
    // seconds, the boot time btime too), so that a live taker is never taken for a reused PID.
    semid_ds ds{};
    if (::semctl(m_semid, 0, IPC_STAT, &ds) != 0 || ds.sem_otime == 0)
        return 0;
    const auto started = startedAtUnixSeconds(now.startTime);
    return started && *started > static_cast<std::int64_t>(ds.sem_otime) + kClockMarginSeconds ? pid : 0;
}

bool Semaphore::neverUsed() const
{
    semid_ds ds{};
    return ::semctl(m_semid, 0, GETVAL) == 1 && ::semctl(m_semid, 0, IPC_STAT, &ds) == 0 && ds.sem_otime == 0;
}

bool Semaphore::bornAbandoned() const
{
    semid_ds ds{};
    if (::semctl(m_semid, 0, GETVAL) != 0 || ::semctl(m_semid, 0, IPC_STAT, &ds) != 0 || ds.sem_otime != 0)
        return false;
    // sem_ctime has whole seconds: the set was made within [ctime, ctime + 1). Half a second past
    // that, at least half a second has gone by since semget, where a live creator sets it
    // microseconds after. (The same clock as sem_ctime's: no margin between clocks is needed.)
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const auto made = static_cast<std::int64_t>(ds.sem_ctime);
    return now.tv_sec > made + 1 || (now.tv_sec == made + 1 && now.tv_nsec >= 500'000'000);
}

Semaphore::Taker Semaphore::taker() const
{
    const pid_t pid = lastPid();
    semid_ds ds{};
    if (pid == 0 || ::semctl(m_semid, 0, GETVAL) != 0 || ::semctl(m_semid, 0, IPC_STAT, &ds) != 0)
        return {};
    return {pid, ProcessIdentity::of(pid).startTime, static_cast<std::int64_t>(ds.sem_otime)};
}

void Semaphore::releaseAbandoned() const
{
    ::semctl(m_semid, 0, SETVAL, 1);
}

std::optional<Semaphore::AbandonWatch::Found> Semaphore::AbandonWatch::look(const Semaphore &semaphore)
{
    const Taker taker = semaphore.taker();
    const bool reused = taker.pid != 0 && taker.pid == m_lastTaker.pid &&
                        taker.lastOperation == m_lastTaker.lastOperation && m_lastTaker.startTime != 0 &&
                        taker.startTime != 0 && taker.startTime != m_lastTaker.startTime;
    m_lastTaker = taker;
    const pid_t abandonedBy = reused ? taker.pid : semaphore.abandonedBy();
    if (abandonedBy != 0 && (reused || abandonedBy == m_abandonedBy)) {
        *this = {};
        return Found{abandonedBy, reused};
    }
    m_abandonedBy = abandonedBy;
    return std::nullopt;
}

void Semaphore::remove() const
{
    ::semctl(m_semid, 0, IPC_RMID);
}

Result<Semaphore::Lock> Semaphore::lock(const Deadline &deadline) const
{
    // The first try does not wait (the lock is usually free); every later one waits at most half
    // a second, and before it looks for a creator killed between semget and SETVAL (shm-create or
    // a Qt program, SIGKILLed at start-up), which left a lock nobody holds and nobody would ever
    // give, and for a taker that exited without giving it back. Such a semaphore is set to 1, as
    // its creator or taker would have; either becomes recognisable only some time after, hence
    // the look every half second. (Two waiters setting it at once both set 1: no harm.)
    AbandonWatch abandoned;
    for (bool first = true;; first = false) {
        if (!first && (bornAbandoned() || abandoned.look(*this)))
            releaseAbandoned();
        sembuf take{0, -1, static_cast<short>(SEM_UNDO | (first ? IPC_NOWAIT : 0))};
        // Through interruptibleCall: a signal that lands just before the call still ends it.
        const int rc = interruptibleCall([&] {
            if (first)
                return ::semop(m_semid, &take, 1);
            const timespec slice{0, kLookEveryNanoseconds};
            timespec left = deadline.isNever() ? slice : deadline.remaining();
            if (left.tv_sec > 0 || left.tv_nsec > slice.tv_nsec)
                left = slice;
            return ::semtimedop(m_semid, &take, 1, &left);
        });
        if (rc == 0)
            return Lock(m_semid);
        if (errno == EINTR) {
            if (interruptSignal())
                return makeError(ErrorCode::Interrupted, m_names.key + ": interrupted while waiting for the lock");
            continue;
        }
        if (errno == EAGAIN && (first || deadline.isNever() || !hasPassed(deadline)))
            continue; // wait (again), having looked for a creator that died
        if (errno == EAGAIN) {
            const pid_t holder = lastPid();
            const bool abandoned = abandonedBy() != 0;
            return makeError(ErrorCode::TimedOut,
                             m_names.key + ": timed out after " + formatSeconds(deadline.seconds()) +
                                 " s waiting for the segment lock" +
                                 (!holder      ? std::string()
                                  : abandoned ? " (left taken by PID " + std::to_string(holder) +
                                                    ", which exited without giving it back; a wait of a "
                                                    "second or more gives it back)"
                                              : " (held by PID " + std::to_string(holder) + ")"),
                             abandoned ? Remedy::RaiseTimeout : Remedy::RaiseTimeoutOrStopLockHolder, holder);
        }
        if (errno == EIDRM || errno == EINVAL)
            return makeError(ErrorCode::NoSegment,
                             m_names.key + ": the segment's semaphore was removed (its holder stopped)",
                             Remedy::StartHolder);
        return makeError(ErrorCode::Failure, m_names.key + ": semop: " + describeErrno(errno));
    }
}

void Semaphore::Lock::unlock()
{
    if (m_semid == -1)
        return;
    sembuf give{0, 1, SEM_UNDO};
    ::semop(m_semid, &give, 1);
    m_semid = -1;
}

bool semaphoreExistsUnder(key_t key)
{
    return ::semget(key, 0, 0) != -1 || errno != ENOENT;
}

std::optional<int> semaphoreIdUnder(key_t key)
{
    const int semid = ::semget(key, 0, 0);
    return semid == -1 ? std::nullopt : std::optional<int>(semid);
}

bool semaphoreIdExists(int semid)
{
    // GETVAL fails with EINVAL or EIDRM once the set is gone; EACCES means it exists.
    return ::semctl(semid, 0, GETVAL) != -1 || (errno != EINVAL && errno != EIDRM);
}

} // namespace shmtools::detail
