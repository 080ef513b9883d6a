#include "sys/sysv.h"

#include "sys/interrupt.h"
#include "sys/process_identity.h"
#include "base/size_text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string describeErrno(int error)
{
    return std::strerror(error);
}

} // namespace

// The key file decides which SysV key we compute, so a planted one (a symlink, another user's
// file) is the first thing to refuse.
Result<KeyFile> keyFileAt(const std::string &file, const IpcNames &names, const char *what)
{
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return makeError(ExitCode::NoSegment,
                             names.key + ": no such segment (no " + what + " key file " + file + ")",
                             Remedy::StartHolder);
        return makeError(ExitCode::Failure, names.key + ": " + file + ": " + describeErrno(errno));
    }
    if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid())
        return makeError(ExitCode::Unsafe, names.key + ": refusing: key file " + file +
                                               " is not a regular file owned by you (uid " +
                                               std::to_string(info.st_uid) + "); remove it or use another key");
    const key_t key = ::ftok(file.c_str(), 'Q');
    if (key == -1)
        return makeError(ExitCode::Failure, names.key + ": ftok " + file + ": " + describeErrno(errno));
    return KeyFile{key, {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)}};
}

Result<KeyFile> ensureKeyFile(const std::string &file, const IpcNames &names, const char *what)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    struct stat existing {};
    // Something already there that we may not open (a symlink, another user's file in a sticky
    // TMPDIR) is judged by keyFileAt, which refuses it as unsafe; only a missing file is a failure
    // to create one.
    if (fd < 0 && ::lstat(file.c_str(), &existing) != 0)
        return makeError(ExitCode::Failure, names.key + ": cannot create the key file " + file + " (" +
                                                describeErrno(errno) + "); check that TMPDIR (" + names.tempDir +
                                                ") is writable");
    if (fd >= 0)
        ::close(fd);
    return keyFileAt(file, names, what);
}

Result<int> findSegment(const IpcNames &names)
{
    auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment");
    if (!keyFile)
        return keyFile.error();
    const int shmid = ::shmget(keyFile->key, 0, 0);
    if (shmid != -1)
        return shmid;
    if (errno == ENOENT)
        return makeError(ExitCode::NoSegment,
                         names.key + ": no such segment (key file " + names.segmentKeyFile +
                             " exists, segment does not)",
                         Remedy::StartHolder);
    if (errno == EACCES)
        return makeError(ExitCode::Unsafe,
                         names.key + ": refusing: the segment belongs to another user; use another key");
    return makeError(ExitCode::Failure, names.key + ": shmget: " + describeErrno(errno));
}

Result<SegmentStatus> statSegment(int shmid, const IpcNames &names)
{
    shmid_ds ds{};
    if (::shmctl(shmid, IPC_STAT, &ds) != 0) {
        if (errno == EINVAL || errno == EIDRM)
            return makeError(ExitCode::NoSegment, names.key + ": the segment was removed (its holder stopped)",
                             Remedy::StartHolder);
        if (errno == EACCES)
            return makeError(ExitCode::Unsafe,
                             names.key + ": refusing: the segment belongs to another user; use another key");
        return makeError(ExitCode::Failure, names.key + ": shmctl IPC_STAT: " + describeErrno(errno));
    }
    SegmentStatus status;
    status.shmid = shmid;
    status.size = ds.shm_segsz;
    status.uid = ds.shm_perm.uid;
    status.cuid = ds.shm_perm.cuid;
    status.mode = ds.shm_perm.mode & 0777;
    status.creatorPid = ds.shm_cpid;
    status.attachments = ds.shm_nattch;
    status.markedForRemoval = (ds.shm_perm.mode & SHM_DEST) != 0;
    return status;
}

Status requireOwnedSegment(const SegmentStatus &status, const IpcNames &names)
{
    const uid_t me = ::geteuid();
    if (status.uid != me || status.cuid != me)
        return makeError(ExitCode::Unsafe, names.key + ": refusing: segment " + std::to_string(status.shmid) +
                                               " belongs to uid " + std::to_string(status.uid) + " (created by uid " +
                                               std::to_string(status.cuid) + "), not to you; use another key");
    if (status.mode & 077) {
        char mode[16];
        std::snprintf(mode, sizeof mode, "%04o", unsigned(status.mode));
        return makeError(ExitCode::Unsafe, names.key + ": refusing: segment " + std::to_string(status.shmid) +
                                               " is open to other users (mode " + mode +
                                               "); remove it with 'ipcrm -m " + std::to_string(status.shmid) +
                                               "' or use another key");
    }
    return Done{};
}

SegmentMapping::SegmentMapping(SegmentMapping &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{
}

SegmentMapping &SegmentMapping::operator=(SegmentMapping &&other) noexcept
{
    if (this != &other) {
        if (m_data)
            ::shmdt(m_data);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SegmentMapping::~SegmentMapping()
{
    if (m_data)
        ::shmdt(m_data);
}

Result<SegmentMapping> SegmentMapping::attach(int shmid, std::uint64_t size, const IpcNames &names,
                                              MappingAccess access)
{
    void *address = attachSegmentMemory(shmid, size, access);
    if (address == reinterpret_cast<void *>(-1)) {
        if (errno == EIDRM || errno == EINVAL)
            return makeError(ExitCode::NoSegment, names.key + ": the segment was removed (its holder stopped)",
                             Remedy::StartHolder);
        return makeError(ExitCode::Failure, names.key + ": shmat: " + describeErrno(errno));
    }
    SegmentMapping mapping;
    mapping.m_data = static_cast<unsigned char *>(address);
    mapping.m_size = size;
    return mapping;
}

Result<Semaphore> Semaphore::openOrCreate(const IpcNames &names)
{
    auto keyFile = ensureKeyFile(names.semaphoreKeyFile, names, "semaphore");
    if (!keyFile)
        return keyFile.error();
    const int semid = ::semget(keyFile->key, 1, 0600 | IPC_CREAT | IPC_EXCL);
    if (semid == -1) {
        if (errno == EEXIST)
            return open(names);
        return makeError(ExitCode::Failure, names.key + ": semget: " + describeErrno(errno));
    }
    // Until this, the new semaphore reads 0 (taken): a racing locker waits a moment, no longer.
    if (::semctl(semid, 0, SETVAL, 1) != 0)
        return makeError(ExitCode::Failure, names.key + ": semctl SETVAL: " + describeErrno(errno));
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
    const int semid = ::semget(keyFile->key, 1, 0);
    if (semid == -1) {
        if (errno == ENOENT)
            return makeError(ExitCode::NoSegment, names.key + ": no semaphore for the segment (its holder stopped)",
                             Remedy::StartHolder);
        if (errno == EACCES)
            return makeError(ExitCode::Unsafe,
                             names.key + ": refusing: the semaphore belongs to another user; use another key");
        return makeError(ExitCode::Failure, names.key + ": semget: " + describeErrno(errno));
    }
    semid_ds ds{};
    if (::semctl(semid, 0, IPC_STAT, &ds) != 0)
        return makeError(ExitCode::Failure, names.key + ": semctl IPC_STAT: " + describeErrno(errno));
    const uid_t me = ::geteuid();
    if (ds.sem_perm.uid != me || ds.sem_perm.cuid != me || (ds.sem_perm.mode & 077))
        return makeError(ExitCode::Unsafe, names.key + ": refusing: semaphore " + std::to_string(semid) +
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
    return ProcessIdentity::of(pid).pid == 0 ? pid : 0;
}

void Semaphore::releaseAbandoned() const
{
    ::semctl(m_semid, 0, SETVAL, 1);
}

void Semaphore::remove() const
{
    ::semctl(m_semid, 0, IPC_RMID);
}

Result<Semaphore::Lock> Semaphore::lock(const Deadline &deadline) const
{
    sembuf take{0, -1, SEM_UNDO};
    for (;;) {
        // Through interruptibleCall: a signal that lands just before the call still ends it.
        const int rc = interruptibleCall([&] {
            if (deadline.isNever())
                return ::semop(m_semid, &take, 1);
            timespec left = deadline.remaining();
            return ::semtimedop(m_semid, &take, 1, &left);
        });
        if (rc == 0)
            return Lock(m_semid);
        if (errno == EINTR) {
            if (interruptSignal())
                return makeError(ExitCode::Interrupted, m_names.key + ": interrupted while waiting for the lock");
            continue;
        }
        if (errno == EAGAIN) {
            const pid_t holder = lastPid();
            const bool abandoned = abandonedBy() != 0;
            return makeError(ExitCode::TimedOut,
                             m_names.key + ": timed out after " + formatSeconds(deadline.seconds()) +
                                 " s waiting for the segment lock" +
                                 (!holder      ? std::string()
                                  : abandoned ? " (left taken by PID " + std::to_string(holder) +
                                                    ", which exited without giving it back; a running holder "
                                                    "releases such a lock within seconds)"
                                              : " (held by PID " + std::to_string(holder) + ")"),
                             abandoned ? Remedy::RaiseTimeout : Remedy::RaiseTimeoutOrStopLockHolder, holder);
        }
        if (errno == EIDRM || errno == EINVAL)
            return makeError(ExitCode::NoSegment,
                             m_names.key + ": the segment's semaphore was removed (its holder stopped)",
                             Remedy::StartHolder);
        return makeError(ExitCode::Failure, m_names.key + ": semop: " + describeErrno(errno));
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

void removeKeyFiles(const IpcNames &names)
{
    for (const std::string &file : {names.segmentKeyFile, names.semaphoreKeyFile}) {
        struct stat info {};
        if (::lstat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_uid == ::geteuid())
            ::unlink(file.c_str());
    }
}
