#pragma once

// A shm-tools segment seen by a loader or a reader: the two-slot protocol of the README's
// "Guarantees". Locks are held only for header updates; payload copies run unlocked on a slot
// that is claimed (loader) or pinned (reader), so nobody waits on a slow neighbour and a process
// that dies mid-copy loses nothing that was published.

#include "deadline.h"
#include "holder_watch.h"
#include "input_source.h"
#include "ipc_names.h"
#include "process_identity.h"
#include "result.h"
#include "segment_layout.h"
#include "sysv.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

/// Called as bytes move: (done, total); total is 0 when unknown.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// A published version as the tools report it.
struct VersionInfo {
    std::uint64_t generation = 0; ///< 0: never loaded
    std::uint64_t length = 0;
    std::uint64_t checksum = 0;
    std::string source;
    std::int64_t loadedAtMs = 0;
    pid_t loaderPid = 0;
};

/// Everything --info and --json show.
struct SegmentInfo {
    IpcNames names;
    SegmentStatus status;
    int semid = -1;
    std::uint64_t capacity = 0;
    std::uint32_t formatVersion = 0;
    std::int64_t createdAtMs = 0;
    pid_t holderPid = 0;
    int readers = 0;        ///< live reader pins
    bool hugePages = false; ///< the latest version (or the header) is mapped by huge pages
    VersionInfo latest;
};

class Segment {
public:
    /// Attaches to the shm-tools segment under `names`. NoSegment if there is none or its
    /// holder is not running (nothing is touched then); Unsafe if it or its key files are not
    /// ours alone; InvalidContent for a foreign or corrupt header; TimedOut if the lock is not
    /// free before `lockTimeout` seconds.
    static Result<Segment> open(const IpcNames &names, double lockTimeout);
    Segment(Segment &&) noexcept;
    Segment &operator=(Segment &&) = delete;
    ~Segment();

    /// Streams `input` into the free slot and publishes it as the next generation. TooLarge (the
    /// published version untouched) if it exceeds the capacity; TimedOut if no slot frees up
    /// in time (another load in progress, or a reader still on the previous version).
    Result<VersionInfo> load(InputSource &input, const std::string &sourceName, const ProgressFn &progress);

    /// Where a version goes: a descriptor, and whether its consumer may stop reading early
    /// (a command that ignores part of its input) without that being an error.
    struct Sink {
        int fd;
        bool earlyCloseIsFine;
    };
    /// Chooses the sink once the version is known (e.g. a command told its generation).
    using SinkFor = std::function<Result<Sink>(const VersionInfo &)>;
    /// Verifies the latest version's checksum, then writes it to the descriptor `sinkFor`
    /// returns. Generation 0 and no output if never loaded. InvalidContent on a checksum
    /// mismatch (nothing is written).
    Result<VersionInfo> read(const SinkFor &sinkFor, const ProgressFn &progress);

    /// Blocks without polling until the generation exceeds `after`. TimedOut at `deadline`,
    /// Interrupted on a signal, NoSegment if the holder stops meanwhile.
    Result<std::uint64_t> waitForGenerationAbove(std::uint64_t after, const Deadline &deadline);

    /// Metadata of the segment and its latest version.
    Result<SegmentInfo> info();

    /// The generation published now (0 if none).
    Result<std::uint64_t> currentGeneration();

private:
    Segment(IpcNames names, SegmentStatus status, Semaphore semaphore, SegmentMapping mapping, double lockTimeout);
    layout::SegmentHeader &header() const;
    unsigned char *slotData(std::uint32_t slot) const;
    Result<Semaphore::Lock> lock() const;
    /// Under the lock: a validated copy of the header (its holder alive, its geometry the one
    /// seen at open). Sizes and offsets come from such a copy, never from the live header, so a
    /// corrupted header cannot lead to an access outside the mapping.
    Result<layout::SegmentHeader> checkLocked() const;

    class SlotClaim;
    class ReaderPin;
    Result<SlotClaim> claimFreeSlot();

    IpcNames m_names;
    SegmentStatus m_status;
    Semaphore m_semaphore;
    SegmentMapping m_mapping;
    /// A second, read-only mapping for writing versions out, made on the first read: tearing
    /// down read-only page-table entries costs about half as much (README, "Performance").
    SegmentMapping m_readMapping;
    double m_lockTimeout;
    std::uint64_t m_capacity = 0;
    std::uint64_t m_slotStride = 0;
    ProcessIdentity m_self;
    std::unique_ptr<HolderWatch> m_holderWatch;
};

/// Metadata of the latest version in `header` (generation 0 if none).
VersionInfo latestVersion(const layout::SegmentHeader &header);
