// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The owner of a key's segment for as long as it lives: creates the segment (or adopts the
// orphan of a holder that died, keeping its content) and removes the segment, its semaphore and
// both key files when destroyed. Readers and loaders need a live holder; a program that owns the
// data (the seed example's "sharedmemory" app) keeps a Holder for its lifetime.

#include <shmtools/error.h>
#include <shmtools/export.h>
#include <shmtools/segment.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace shmtools {

struct HolderOptions {
    /// The largest version the segment takes, in bytes (for a raw segment: its exact size).
    std::uint64_t capacity = 16 << 20;
    /// A plain Qt segment of exactly `capacity` bytes with no shm-tools header, as the seed
    /// example's programs use it (see raw.h); Segment::open refuses it.
    bool raw = false;
    /// Bound on every wait for the segment's lock.
    Seconds lockTimeout = kDefaultLockTimeout;
};

class SHMTOOLS_EXPORT Holder {
public:
    /// Creates or adopts the segment under `key`. Usage for a bad key, a zero capacity, or one
    /// beyond a kernel limit or the memory; KeyHeld if a live holder (or another program) has
    /// it; Unsafe if objects under the key are not this user's alone; InvalidContent for a
    /// corrupt or foreign orphan (remove it with ipcrm); TimedOut if an orphan's lock stays taken.
    static Result<Holder> start(const std::string &key, const HolderOptions &options = {});
    /// A moved-from Holder holds nothing; it may only be destroyed or assigned to.
    Holder(Holder &&other) noexcept;
    Holder &operator=(Holder &&other) noexcept;
    /// Stops holding, as stop() does, ignoring what it reports.
    ~Holder();

    /// The key it holds, and the capacity (an adopted segment keeps the orphan's). Never fail.
    const std::string &key() const;
    std::uint64_t capacity() const;
    /// True if this holder took over an orphaned segment rather than creating one.
    bool adopted() const;
    /// The version kept from the orphan (generation 0 if none, or not adopted).
    const VersionInfo &keptVersion() const;
    /// Why key files removed while it runs (by a cleaner of old files, a Qt program's failed
    /// create(), by hand) cannot be restored: its second hard links to them, made at start in
    /// TMPDIR, could not be made (e.g. TMPDIR full); empty if they can. For the start report:
    /// once asked for here, serve() does not tell it again through onNotice; serve() keeps
    /// trying to make them, and tells onNotice once it has. Never fails.
    std::string keyFileRepairProblem() const;

    /// Blocks without polling until SIGINT, SIGTERM or SIGHUP, calling `onVersion` (if set) on
    /// this thread for each version published meanwhile (versions published faster than it
    /// returns are coalesced). Meanwhile it repairs what others remove (a semaphore removed by
    /// systemd-logind's RemoveIPC; key files are kept fresh for age-based cleaners), and tells
    /// `onNotice` (if set) in one line each time. Returns the signal, or 0 once stopServing()
    /// was called. Needs installInterruptHandlers() first: without it the signal ends the
    /// process as usual. In a child of fork() the Holder belongs to the parent: serve() returns
    /// 0 at once, serving nothing, and tells `onNotice` so.
    int serve(const std::function<void(const VersionInfo &)> &onVersion = {},
              const std::function<void(const std::string &)> &onNotice = {});
    /// From a callback of serve(): makes serve() return 0 as soon as the callback returns,
    /// without waiting again (e.g. the output the callbacks write to is gone). The segment stays
    /// until the Holder is destroyed. Never fails.
    void stopServing();
    /// Stops holding: marks the segment for removal (attached readers keep their mapping), wakes
    /// every waiter (they get NoSegment), removes the semaphore and the key files with their
    /// anchors. Failure if some key files or anchors cannot be removed (TMPDIR made immutable or
    /// read-only meanwhile: EPERM, EROFS), naming them, why, and how to remove them later; the
    /// segment and semaphore are removed all the same. Afterwards the Holder holds nothing: a
    /// second stop() succeeds at once, and the destructor does nothing. Not from a callback of
    /// serve() (use stopServing() there).
    Status stop();

private:
    struct Impl;
    explicit Holder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// What removeSegment() did.
struct Removed {
    bool holderStopped = false; ///< true: a live holder was asked to stop and did; false: an orphan was removed
    pid_t holderPid = 0;        ///< that holder, or the dead holder of the orphan (0: unknown, or a
                                ///< segment left unfinished by a holder killed as it started)
    int shmid = -1;             ///< the segment removed; -1: none was left, only the rest of the key
    int semid = -1;             ///< its semaphore, removed with it; -1: none was found
};

/// Removes the segment under `key` whole: its segment, semaphore and both key files. A live
/// holder (of this user) is sent SIGTERM, through a pidfd after checking it is still that
/// process, and waited for until it has exited (its Holder removes everything, as on any
/// stop); an orphan is adopted under its lock with the same identity checks as Holder::start,
/// then removed. Where no segment is left and no holder runs (a holder killed while a Qt
/// program was attached, whose last detach() removed the segment and its key file, as Qt does),
/// what is left of the key (semaphore, the other key file, the holder's anchors) is removed, the
/// semaphore under its lock: shmid is -1 and holderPid 0. Waits at most `timeout`; a timeout of
/// 0 does not wait: a live holder is only signalled (holderStopped is true; it removes
/// everything as it exits), a lock is tried once. Fails with NoSegment if nothing of the key is
/// there; Unsafe if it is not this user's alone; InvalidContent for a segment not made by
/// shm-tools or a corrupt orphan (the message says how to remove it by hand; a segment left
/// unfinished, all zero and unattached, by a holder killed between making it and writing its
/// header is removed, as a start would); TimedOut if the
/// holder has not exited in time or a lock stayed taken (naming what remains); Interrupted on
/// a signal while waiting (with installInterruptHandlers()); Usage for an empty or too long
/// key. A live holder whose segment key file was replaced (a FIFO put there) is found and
/// stopped all the same. What is left
/// is checked afterwards: a holder that died without cleaning up leaves an orphan, which is
/// removed too; Failure, naming what was removed, what remains and why, if anything remains (a
/// key file that cannot be unlinked, something else put in a key file's place), and where no
/// descriptor is left for the checks (RLIMIT_NOFILE) or /proc cannot tell the holder.
SHMTOOLS_EXPORT Result<Removed> removeSegment(const std::string &key, Seconds timeout = kDefaultLockTimeout);

} // namespace shmtools
