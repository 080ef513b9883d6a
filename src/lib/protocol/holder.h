// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The process that owns a key's segment for its lifetime: creates it (or adopts the orphan a
// killed holder left, keeping its content), keeps its key files and semaphore alive, and
// removes the segment, its semaphore and both key files when it stops.

#include "sys/ipc_names.h"
#include "base/error.h"
#include "format/segment_layout.h"
#include "protocol/holder_os.h"
#include "protocol/slot_protocol.h"
#include "sys/sysv.h"
#include "protocol/sysv_protocol_os.h"

#include <shmtools/segment.h>
#include <shmtools/holder.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace shmtools::detail {

class Holder {
public:
    /// Creates or adopts the segment. Creation is decided by one shmget(IPC_CREAT|IPC_EXCL)
    /// under the key's semaphore, adoption under the same lock, so racing holders agree on one
    /// winner and no loser removes anything. KeyHeld if a live holder (or another program) has
    /// the key, including one whose key files were removed; Usage if the size exceeds a kernel
    /// limit or the memory; Unsafe if objects under the key are not ours alone, or belong to
    /// another key (an ftok collision); InvalidContent for a corrupt or foreign orphan.
    static Result<std::unique_ptr<Holder>> start(const IpcNames &names, const HolderOptions &options);
    /// As above, against `os` (the unit tests' fake; start() above uses SysvHolderOs). Key files
    /// are real files either way.
    static Result<std::unique_ptr<Holder>> start(const IpcNames &names, const HolderOptions &options,
                                                 std::unique_ptr<HolderOs> os);
    /// stop(), ignoring what it reports.
    ~Holder();
    Holder(const Holder &) = delete;
    Holder &operator=(const Holder &) = delete;

    /// True if this holder took over an orphaned segment rather than creating one.
    bool adopted() const { return m_adopted; }
    /// The version kept from the orphan (generation 0 if none or not adopted).
    const VersionInfo &keptVersion() const { return m_kept; }
    std::uint64_t capacity() const { return m_capacity; }
    /// Why key files removed while it runs cannot be restored (its anchors could not be made:
    /// TMPDIR full, a name there taken), without the key; empty if they can. Once asked for,
    /// serve() does not tell it again. serve() keeps trying to make them.
    const std::string &keyFileRepairProblem() const
    {
        m_anchorProblemTold = true;
        return m_anchorProblem;
    }
    /// The segment's id and its protocol (none for a raw segment), for the unit tests.
    int shmid() const { return m_shmid; }
    SlotProtocol *protocol() const { return m_protocol.get(); }

    /// Something the holder noticed and repaired, or could not: one line, for the tool to show.
    using NoticeFn = std::function<void(const std::string &)>;
    /// Blocks until SIGINT, SIGTERM or SIGHUP (needs installInterruptHandlers), calling
    /// `onVersion` (if set) for each version published meanwhile. Meanwhile, every
    /// `kHousekeepingPeriod` it restores a removed semaphore (systemd-logind's RemoveIPC) and
    /// notices removed key files, and every `kTouchPeriod` it refreshes the key files' times
    /// (so that age-based cleaners such as systemd-tmpfiles keep them); `onNotice` hears about
    /// each. Returns the signal, or 0 after stopServing(); 0 at once in a child of fork()
    /// (onNotice hears why).
    int serve(const std::function<void(const VersionInfo &)> &onVersion, const NoticeFn &onNotice = {});
    /// From a callback of serve(): serve() returns 0 once the callback has returned.
    void stopServing() { m_stopServing = true; }
    /// Stops holding: marks the segment for removal, wakes every waiter, removes the semaphore,
    /// then its own key files and their anchors. Failure naming those it cannot unlink and why
    /// (EPERM: TMPDIR immutable, EROFS: read-only); the rest is removed either way. Afterwards it
    /// holds nothing: a second call, and the destructor, do nothing.
    Status stop();

    static constexpr std::chrono::seconds kHousekeepingPeriod{1};
    static constexpr std::chrono::hours kTouchPeriod{1};

private:
    Holder(IpcNames names, const HolderOptions &options, std::unique_ptr<HolderOs> os);
    Status create(std::uint64_t segmentSize);
    Status createUnderLock(std::uint64_t segmentSize);
    /// Removes a segment under the key that its creator never finished (nattch 0, header all
    /// zero, no page touched beyond it); true if there was one. Called under the lock.
    Result<bool> removeHalfMadeSegment();
    void discardWhatWasMade();
    /// The key file `file` at `path` (`semaphore`: the semaphore key file), or a new one in its
    /// place while another key's objects use its System V key (an ftok collision); `*made` says
    /// whether this start made the one returned. Only a file this start made, or one no running
    /// holder marks (`mayReplace`), is replaced. holder_key_collision.cpp.
    /// Whether another key's segment is under the segment key file's System V key now (a
    /// colliding key's start made it while this one started): the next attempt replaces the file.
    bool segmentKeyFileMeetsAnotherKey();
    Result<KeyFile> clearOfOtherKeys(const std::string &path, const KeyFile &file, bool semaphore, bool mayReplace,
                                     bool *made);
    /// One of its two key files: where, which file, and why its anchor is missing ("" if made).
    struct OwnKeyFile {
        const std::string &path;
        const FileIdentity &id;
        std::string &anchorMissing;
    };
    std::array<OwnKeyFile, 2> ownKeyFiles();
    /// Makes the anchors still missing, of the key files still in place; m_anchorProblem says
    /// why one is missing afterwards.
    void anchorKeyFiles();
    Status anchorWhileStarting();
    void restoreKeyFiles(const NoticeFn &notice);
    Status adoptExisting();
    static Error heldBy(const IpcNames &names, const std::string &who, pid_t pid);
    /// KeyHeld: a running holder (PID `pid`, 0 if unknown) is restoring its key files.
    static Error restoringKeyFiles(const IpcNames &names, pid_t pid);
    void keepAlive(const NoticeFn &onNotice, bool touch);
    void tellAnchorProblem(const NoticeFn &onNotice);

    IpcNames m_names;
    HolderOptions m_options;
    layout::KeyIdentity m_identity{};
    int m_shmid = -1; ///< set once this holder owns the segment
    std::unique_ptr<HolderOs> m_system; ///< the semaphore, the segment and its mapping
    ProtocolOs *m_protocolOs = nullptr; ///< m_system's, once this holder is a participant
    SysvProtocolOs *m_os = nullptr;     ///< the same on the real System V (housekeeping), else none
    std::unique_ptr<SlotProtocol> m_protocol; ///< none for a raw segment; after m_system, so gone first
    std::uint64_t m_capacity = 0;
    bool m_adopted = false;
    bool m_keyFilesLost = false;
    bool m_keyFilesLostForGood = false; ///< a lost key file has no anchor: its SysV key cannot come back
    std::string m_semaphoreProblem; ///< why the semaphore is not restored yet, as told ("" if it is there)
    bool m_madeSegmentKeyFile = false; ///< by this start: removed again if it fails
    bool m_madeSemaphoreKeyFile = false;
    bool m_madeSemaphore = false;
    bool m_keyFilesOfAnother = false; ///< another holder marked them first: left alone when this one goes
    bool m_madeSegmentAnchor = false; ///< by this start: removed again if it fails
    bool m_madeSemaphoreAnchor = false;
    std::string m_anchorProblem; ///< why the key files could not be anchored (without the key)
    std::string m_segmentAnchorMissing;   ///< why the segment key file has no anchor, "" if it has one
    std::string m_semaphoreAnchorMissing; ///< the same for the semaphore key file
    bool m_anchorsTried = false;          ///< by start(): later tries are for the missing ones
    mutable bool m_anchorProblemTold = false; ///< by serve() or to keyFileRepairProblem()
    bool m_stopServing = false; ///< asked for by a callback of serve()
    Semaphore::AbandonWatch m_abandonWatch; ///< a lock left taken by a dead process, look to look
    VersionInfo m_kept;
};

} // namespace shmtools::detail
