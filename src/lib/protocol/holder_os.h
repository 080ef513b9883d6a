// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What a holder's create and adopt paths need from the operating system beyond key files: the
// key's semaphore, its own participant record, and the System V segment under the key. Behind
// this interface (as the slot protocol is behind ProtocolOs) so that creation and adoption run
// in one process against a fake: who else holds the key, what shmget says, what an orphan's
// header holds. SysvHolderOs (sysv_holder_os.h) is the real one.

#include "base/error.h"
#include "protocol/protocol_os.h"
#include "protocol/segment_list.h"
#include "sys/ipc_names.h"
#include "sys/key_file.h"
#include "sys/shm_segment.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace shmtools::detail {

class HolderOs {
public:
    virtual ~HolderOs() = default;

    /// Opens the key's semaphore under the key of `keyFile` (the semaphore key file as checked
    /// and anchored), or makes it (`*made` says which). Errors as Semaphore::openOrCreate.
    virtual Status openSemaphore(const IpcNames &names, const KeyFile &keyFile, bool *made) = 0;
    /// Removes the semaphore opened above; never fails.
    virtual void removeSemaphore() = 0;
    /// Removes it only if nobody has ever taken it (Semaphore::neverUsed); never fails.
    virtual void removeSemaphoreIfNeverUsed() = 0;
    /// This holder as a participant (its record on the segment key file): the ProtocolOs its
    /// protocol uses, whose lock() is the semaphore opened above. Owned by this object.
    virtual Result<ProtocolOs *> participate(const IpcNames &names, const KeyFile &segmentKeyFile) = 0;
    /// Marks that participant as the key's holder on the segment key file (`raw`: a raw holder's
    /// mark), so that removal finds the holder even when its header has been overwritten, and
    /// tools and creators find it through its anchor while its key files are being restored.
    /// Best effort: a holder without the mark still serves; only those rescues are lost. False
    /// if it could not be taken (another holder's mark there, found by liveHolderMark, included).
    virtual bool markHolder(bool raw) = 0;

    /// A running holder of the key, found by its header (even with its key files gone).
    virtual std::optional<ListedSegment> findLiveHolder(const IpcNames &names) = 0;
    /// As findSegment and statSegment (sys/shm_segment.h).
    virtual Result<int> findSegment(const IpcNames &names) = 0;
    virtual Result<SegmentStatus> statSegment(int shmid, const IpcNames &names) = 0;
    /// Whether a segment / a semaphore set exists under the System V key `key`.
    virtual bool segmentExists(key_t key) = 0;
    virtual bool semaphoreExists(key_t key) = 0;
    /// The identities recorded in the headers of the shm-tools segments here (listSegments).
    virtual std::vector<layout::KeyIdentity> recordedIdentities() = 0;
    /// shmget(IPC_CREAT|IPC_EXCL), with errno read at once into NewSegment::error.
    virtual NewSegment createSegmentExclusive(key_t key, std::uint64_t size) = 0;
    /// Maps segment `shmid`, just made at `size` as asked for, read-write until this object
    /// goes. Usage if this process has no room for it (ENOMEM: RLIMIT_AS, `ulimit -v`); else
    /// Failure if it cannot.
    virtual Result<unsigned char *> attach(int shmid, std::uint64_t size, const IpcNames &names) = 0;
    /// The segment under `names`, checked to be ours alone, and mapped as attach() does.
    struct Mapped {
        SegmentStatus status;
        unsigned char *data = nullptr;
    };
    virtual Result<Mapped> mapSegment(const IpcNames &names) = 0;
    /// As segmentBytesInUse, copySegmentStart and removeSegment (sys/shm_segment.h).
    virtual std::optional<std::uint64_t> segmentBytesInUse(int shmid) = 0;
    virtual bool copySegmentStart(int shmid, void *out, std::size_t bytes) = 0;
    virtual void removeSegment(int shmid) = 0;
};

} // namespace shmtools::detail
