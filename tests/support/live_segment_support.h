// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What the cases that reach into a live segment need beyond the shared harness: a look into (and
// a hand on) a live segment through the library's own calls, running programs as another user,
// and a shared TMPDIR that two users can meet in.

#include "support/process_support.h"
#include "support/segment_support.h"

#include "sys/ipc_names.h"
#include "format/segment_layout.h"
#include "sys/sysv.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace shmtest {

/// KEY's live shm-tools segment, attached from the test process with the library's calls
/// (ipcNamesFor, findSegment, statSegment, SegmentMapping::attach), to inspect its header or
/// damage it on purpose. Detaches (never removes) on destruction. The constructor throws
/// std::runtime_error with the library's message if any step fails.
class LiveSegment {
public:
    explicit LiveSegment(const std::string &key);

    /// A copy of the header taken under the segment lock.
    shmtools::detail::layout::SegmentHeader header() const;
    /// A copy of the header taken without the lock (while another process holds it); fields
    /// may be mid-update, so only for checks that tolerate that (a pin there or not).
    shmtools::detail::layout::SegmentHeader peek() const;
    /// Overwrites the whole header under the segment lock.
    void setHeader(const shmtools::detail::layout::SegmentHeader &header);
    /// Runs EDIT on the mapped header under the segment lock.
    void edit(const std::function<void(shmtools::detail::layout::SegmentHeader &)> &edit);
    /// First byte of SLOT's payload in the mapping.
    unsigned char *slotData(std::uint32_t slot) const;
    std::uint64_t size() const { return m_mapping.size(); }
    int shmid() const { return m_status.shmid; }

private:
    shmtools::detail::Semaphore::Lock lock() const;

    shmtools::detail::IpcNames m_names;
    shmtools::detail::SegmentStatus m_status;
    std::optional<shmtools::detail::Semaphore> m_semaphore;
    shmtools::detail::SegmentMapping m_mapping;
};

/// True if a slot of HEADER is being written (claimed) by PID, or by anyone if PID is 0.
bool hasClaim(const shmtools::detail::layout::SegmentHeader &header, pid_t pid = 0);
/// True if HEADER has a reader pin of PID.
bool hasPin(const shmtools::detail::layout::SegmentHeader &header, pid_t pid);

/// Polls CONDITION every few milliseconds until it holds or TIMEOUT passes; its last answer.
bool waitUntil(const std::function<bool()> &condition, double timeoutSeconds);

/// PATH, or for a program under test (binary(...)) its copy in a directory under /tmp that every
/// user can reach, made once per test process with libshmtools beside it and removed at exit.
std::string reachableByOthers(const std::string &path);
/// ARGV run as nobody:nogroup without supplementary groups (through setpriv); programs under
/// test in ARGV run from reachableByOthers(), since nobody may not reach the build tree.
std::vector<std::string> asNobody(const std::vector<std::string> &argv);
/// Empty if this process is root and nobody can run the binaries under test (their copies made
/// by reachableByOthers); otherwise why not, for a SKIP.
std::string whyNobodyCannotRun();

/// A scratch directory with mode 1777 (like /tmp), so that root and nobody can share it as
/// TMPDIR. Removed with its content at the end of the scope.
class SharedScratchDir {
public:
    SharedScratchDir();
    std::string path() const { return m_dir.path(); }
    /// Writes BYTES to NAME inside it with MODE and returns the path. Throws on failure.
    std::string write(std::string_view name, std::string_view bytes, mode_t mode = 0644) const;
    /// KEY's Qt key file in this directory (what Qt derives with TMPDIR set to it).
    std::string keyFile(std::string_view key, bool semaphore = false) const;
    /// Names of the qipc_* files in it now.
    std::vector<std::string> qipcFiles() const;

private:
    ScratchDir m_dir;
};

/// The SysV objects behind a pair of key files, noted while they exist so that their removal
/// can be checked after the key files are gone.
struct IpcIds {
    int shmid = -1;
    int semid = -1;
    key_t shmKey = -1;
    key_t semKey = -1;

    /// Looks the objects up through the key files (either may be missing: -1).
    static IpcIds of(const std::string &segmentKeyFile, const std::string &semaphoreKeyFile);
    /// True if neither noted object exists any more under its key.
    bool gone() const;
    /// What still exists, for messages.
    std::string describe() const;
};

/// A PID that belonged to a process which has exited and been reaped.
pid_t deadPid();

/// `shm-create -d` for KEY run as ARGV-PREFIX (e.g. asNobody) with ENV; the holder's PID, or
/// throws with the run's description.
pid_t startDetachedHolder(const std::vector<std::string> &argvPrefix, const std::string &key, const std::string &size,
                          const RunOptions &options);

/// KEY made an orphan whose lock a stopped Qt program holds (a holder of 64 KiB loaded with
/// "kept", a qt_peer that took the lock and was sent SIGSTOP, then the holder killed): adopting
/// or using it blocks until the timeout. Until it goes, the locker keeps the lock; then it is
/// killed and what is left of KEY removed. The constructor REQUIREs each step.
struct LockedOrphan {
    explicit LockedOrphan(const std::string &key);

    std::optional<Holder> dead;    ///< the killed holder (its destructor removes KEY's leftovers)
    std::optional<Child> locker;   ///< qt_peer hold-lock, stopped; goes first
};

} // namespace shmtest
