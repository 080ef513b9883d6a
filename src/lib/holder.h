#pragma once

// The process that owns a key's segment for its lifetime: creates it through QSharedMemory (or
// adopts the orphan a killed holder left, keeping its content) and removes the segment, its
// semaphore and both key files when it stops.

#include "ipc_names.h"
#include "result.h"
#include "segment.h"
#include "sysv.h"

#include <cstdint>
#include <functional>
#include <memory>

class QSharedMemory;

struct HolderOptions {
    std::uint64_t capacity = 0;
    bool raw = false; ///< a plain Qt segment of exactly `capacity` bytes, no header
    double lockTimeout = 10;
};

class Holder {
public:
    /// Creates or adopts the segment. KeyHeld if a live holder (or another program) has it;
    /// Usage if the size exceeds a kernel limit or the memory; Unsafe if objects under the key
    /// are not ours alone; InvalidContent for a corrupt or foreign orphan.
    static Result<std::unique_ptr<Holder>> start(const IpcNames &names, const HolderOptions &options);
    ~Holder();
    Holder(const Holder &) = delete;
    Holder &operator=(const Holder &) = delete;

    /// True if this holder took over an orphaned segment rather than creating one.
    bool adopted() const { return m_adopted; }
    /// The version kept from the orphan (generation 0 if none or not adopted).
    const VersionInfo &keptVersion() const { return m_kept; }
    std::uint64_t capacity() const { return m_capacity; }

    /// Blocks without polling until SIGINT, SIGTERM or SIGHUP (needs installInterruptHandlers),
    /// calling `onVersion` (if set) for each version published meanwhile. Returns the signal.
    int serve(const std::function<void(const VersionInfo &)> &onVersion);

private:
    Holder(IpcNames names, const HolderOptions &options);
    Status createFresh(std::uint64_t segmentSize);
    Status takeOver(int shmid, const SegmentStatus &status);
    Status finishAttach(int shmid);
    layout::SegmentHeader &header() const;

    IpcNames m_names;
    HolderOptions m_options;
    std::unique_ptr<QSharedMemory> m_qt;
    /// Our own mapping, not Qt's: the first touch of a page decides whether it is huge, and only
    /// this one is aligned and advised for that (see huge_pages.h).
    SegmentMapping m_mapping;
    unsigned char *m_base = nullptr; ///< m_mapping's data
    std::optional<Semaphore> m_semaphore;
    int m_shmid = -1;
    std::uint64_t m_capacity = 0;
    bool m_adopted = false;
    VersionInfo m_kept;
};
