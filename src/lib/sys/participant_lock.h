// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// A participant's identity, decided by the kernel: an open file description of the segment's
// key file holding an OFD write lock on one byte at a random offset, the participant's *token*.
// The kernel drops the lock when the last descriptor of that description closes, which happens
// when the whole thread group exits (a process lives while any of its threads does), in any PID
// namespace, and never because a PID was reused. Two ParticipantLocks in one process are two
// descriptions, so two tokens: rivals like two processes. A lock found on byte T through any
// descriptor of the same key file (F_OFD_GETLK) means the participant with token T is alive.
//
// fork(): a child inherits descriptors, and with them the parent's locks, so that a parent that
// exits would look alive for as long as the child runs. A pthread_atfork handler closes every
// participant's descriptor in the child (the parent's locks stay: they are its descriptions)
// and bumps a fork generation, so a ParticipantLock knows it was inherited (forked()).

#include "base/error.h"
#include "base/file_identity.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace shmtools::detail {

class ParticipantLock {
public:
    /// Opens `keyFile` (O_RDWR|O_NONBLOCK|O_NOFOLLOW|O_CLOEXEC: a FIFO or symlink planted there
    /// never blocks or redirects us), checks that it is a regular file of ours with the identity
    /// `expected` (the file ftok read: a file swapped in meanwhile has other locks), and takes an
    /// OFD write lock on a random byte in [2^32, 2^62). `key` names the key in messages.
    /// Failure naming RLIMIT_NOFILE and `ulimit -n` when no descriptor is left (EMFILE, ENFILE);
    /// Unsafe for something that is not our regular file; NoSegment if the file has gone.
    static Result<ParticipantLock> take(const std::string &keyFile, const FileIdentity &expected,
                                        const std::string &key);
    ParticipantLock(ParticipantLock &&other) noexcept;
    ParticipantLock &operator=(ParticipantLock &&other) noexcept;
    ~ParticipantLock();

    /// The byte this participant locks: its name in every record it makes.
    std::uint64_t token() const;
    /// Marks this participant as the key's holder: an OFD lock on kHolderMark (kRawHolderMark
    /// for a raw holder, whose segment has no header), a byte outside the tokens' range, through
    /// the same description, so that it lives and dies with the token. It lets a holder be found
    /// when its header (and so its record) was overwritten, and while its key files are being
    /// restored (through its anchor). Then kHolderClaim, which either kind takes, so that a raw
    /// and a normal holder never both mark one key file. Best effort: false if it could not be
    /// taken (another holder's mark or claim there, or an error); nothing of it is kept then.
    bool markHolder(bool raw = false);
    /// If another participant marked itself holder (markHolder) on this key file: its PID as
    /// processHoldingLock finds it (0 if it cannot be seen); nullopt if no holder is marked.
    std::optional<pid_t> markedHolder() const;
    /// True in a child of fork() (the descriptor was closed there; nothing here may be used).
    bool forked() const;
    /// True while a participant with `token` exists: our own token, or a lock held on that byte
    /// by another description of the key file. 0 names nobody. If the kernel cannot be asked
    /// (after fork(), or an unexpected error) the answer is true: a record is never taken from
    /// a participant that might live.
    bool isAlive(std::uint64_t token) const;

    struct State;

private:
    explicit ParticipantLock(std::unique_ptr<State> state);
    std::unique_ptr<State> m_state;
};

/// Liveness of `token` probed through the key file at `path` without taking a lock (for
/// listings): nullopt if the file cannot be opened or is not the file `expected` names (the
/// locks of a removed or replaced key file cannot be seen from a path). Nothing but that regular
/// file is opened: a FIFO put in its place is judged by lstat and left closed.
std::optional<bool> probeToken(const std::string &path, const FileIdentity &expected, std::uint64_t token);

/// The byte a holder locks besides its token (markHolder): above every token.
constexpr std::uint64_t kHolderMark = std::uint64_t{1} << 62;
/// The byte a raw holder locks instead: apart, so that a raw segment (no header) is never taken
/// for a shm-tools segment whose header was overwritten.
constexpr std::uint64_t kRawHolderMark = kHolderMark + 1;
/// The byte every holder, raw or not, locks after its mark: one key file has one holder, even
/// when a raw and a normal one mark it at the same instant.
constexpr std::uint64_t kHolderClaim = kHolderMark + 2;

/// True if a live holder marked itself (markHolder) at `mark` in the key file at `path`, which
/// must be the file `expected`: nullopt if it cannot be opened or is another file (not opened,
/// as probeToken).
std::optional<bool> probeHolderMark(const std::string &path, const FileIdentity &expected,
                                    std::uint64_t mark = kHolderMark);

/// The PID (in our namespace) of the process holding an OFD lock at `offset` of the file
/// `file`, found through /proc (a descriptor of that file whose fdinfo lists a lock starting at
/// `offset`): an OFD lock records no PID. 0 if none can be seen (another user's process without
/// privilege, a PID namespace we cannot see, /proc unreadable, or no descriptor left).
pid_t processHoldingLock(const FileIdentity &file, std::uint64_t offset);
/// As processHoldingLock, with "/proc cannot be listed" (nullopt) told from "no process that
/// could be inspected holds it" (0).
std::optional<pid_t> findProcessHoldingLock(const FileIdentity &file, std::uint64_t offset);
/// Whether process `pid` holds (through one of its descriptors) an OFD lock at `offset` of the
/// file `file`; nullopt if its descriptors cannot be inspected from here.
std::optional<bool> processHoldsLock(pid_t pid, const FileIdentity &file, std::uint64_t offset);

/// How many fork()s this process descends from since the library was loaded (0 in the
/// original process); a ParticipantLock records it when taken.
std::uint64_t forkGeneration();

/// The inode of this process's PID namespace (/proc/self/ns/pid), 0 if unknown: recorded next
/// to a PID so that a message can say when that PID belongs to another namespace.
std::uint64_t pidNamespaceId();

} // namespace shmtools::detail
