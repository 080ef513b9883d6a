#pragma once

// The System V objects behind a key, reached the way Qt reaches them (ftok(keyfile, 'Q')), with
// what Qt does not offer: ownership checks, a timed lock, and attaching without Qt's
// destroy-on-last-detach (which would wipe an orphaned segment's data).

#include "base/deadline.h"
#include "sys/huge_pages.h"
#include "sys/ipc_names.h"
#include "base/result.h"
#include "format/segment_layout.h"

#include <cstdint>
#include <sys/types.h>

struct SegmentStatus {
    int shmid = -1;
    std::uint64_t size = 0;
    uid_t uid = 0;
    uid_t cuid = 0;
    mode_t mode = 0;
    pid_t creatorPid = 0;
    std::uint64_t attachments = 0;
    bool markedForRemoval = false;
};

/// A key file's SysV key and what identifies the file itself.
struct KeyFile {
    key_t key = -1;
    layout::FileId id{};
};
/// The key file `path` (`what`: "segment" or "semaphore"). NoSegment if it does not exist;
/// Unsafe unless it is a regular file owned by us.
Result<KeyFile> keyFileAt(const std::string &path, const IpcNames &names, const char *what);
/// Creates the key file `path` (mode 0640, as Qt does) unless it exists, then checks it as
/// keyFileAt does. Failure if it cannot be created (e.g. TMPDIR not writable).
Result<KeyFile> ensureKeyFile(const std::string &path, const IpcNames &names, const char *what);

/// The segment under `names`. NoSegment if its key file or segment does not exist; Unsafe if
/// the key file is not a regular file owned by us.
Result<int> findSegment(const IpcNames &names);
/// IPC_STAT of a segment. NoSegment if it has gone.
Result<SegmentStatus> statSegment(int shmid, const IpcNames &names);
/// Unsafe unless the segment is ours alone: uid == cuid == our euid, no group/other bits.
Status requireOwnedSegment(const SegmentStatus &status, const IpcNames &names);

/// A mapping of a segment, detached (never removed) on destruction.
class SegmentMapping {
public:
    SegmentMapping() = default;
    SegmentMapping(SegmentMapping &&other) noexcept;
    SegmentMapping &operator=(SegmentMapping &&other) noexcept;
    ~SegmentMapping();

    /// Maps the segment, read-write unless asked otherwise (2 MiB aligned, advised huge pages,
    /// where the kernel offers them for shared memory: see huge_pages.h). Failure if shmat fails.
    static Result<SegmentMapping> attach(int shmid, std::uint64_t size, const IpcNames &names,
                                         MappingAccess access = MappingAccess::ReadWrite);

    unsigned char *data() const { return m_data; }
    std::uint64_t size() const { return m_size; }

private:
    unsigned char *m_data = nullptr;
    std::uint64_t m_size = 0;
};

/// Qt's one-count semaphore for a key, taken with a deadline.
class Semaphore {
public:
    /// The semaphore under `names`. NoSegment if it does not exist; Unsafe if not ours alone.
    static Result<Semaphore> open(const IpcNames &names);
    /// The semaphore under `names`, made (value 1, mode 0600, as Qt makes it) if there is none:
    /// IPC_CREAT|IPC_EXCL decides who makes it, so racing callers share one and nobody removes
    /// another's. Unsafe if the one found is not ours alone.
    static Result<Semaphore> openOrCreate(const IpcNames &names);
    /// True if this semaphore no longer exists (removed, e.g. by systemd-logind's RemoveIPC).
    bool isGone() const;

    int id() const { return m_semid; }
    /// PID of the last process that changed it: the lock holder while it is taken.
    pid_t lastPid() const;
    /// Removes the semaphore (waiters get EIDRM). Best effort.
    void remove() const;
    /// The PID that left the lock taken and exited without giving it back (it took it without
    /// SEM_UNDO, which Qt and we always use), or 0 if the lock is free or its taker still runs.
    pid_t abandonedBy() const;
    /// Gives back a lock abandonedBy() names (sets the value to 1). Best effort.
    void releaseAbandoned() const;

    class Lock;
    /// Takes the lock (SEM_UNDO: released if we die). TimedOut at the deadline, Interrupted on
    /// SIGINT/SIGTERM/SIGHUP, NoSegment if the semaphore is removed meanwhile.
    Result<Lock> lock(const Deadline &deadline) const;

private:
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

/// Removes both key files if they are ours. Best effort.
void removeKeyFiles(const IpcNames &names);
