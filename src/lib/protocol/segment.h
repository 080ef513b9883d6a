// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// A shm-tools segment seen by a loader or a reader: the two-slot protocol of the README's
// "Guarantees". Locks are held only for header updates; payload copies run unlocked on a slot
// that is claimed (loader) or pinned (reader), so nobody waits on a slow neighbour and a process
// that dies mid-copy loses nothing that was published.

#include "base/deadline.h"
#include "sys/input_source.h"
#include "sys/ipc_names.h"
#include "base/error.h"
#include "protocol/segment_attach.h"
#include "format/segment_layout.h"
#include "protocol/slot_protocol.h"
#include "sys/sysv.h"
#include "protocol/sysv_protocol_os.h"

#include <shmtools/segment.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace shmtools::detail {

/// Called as bytes move: (done, total); total is 0 when unknown.
using ProgressFn = Progress;

class Segment {
public:
    /// Attaches to the shm-tools segment under `names` as a new participant (its own OFD lock on
    /// the key file: another Segment of this process is a rival like another process).
    /// NoSegment if there is none or its holder is not running (nothing is touched then); Unsafe
    /// if it or its key files are not ours alone, or it was made for another key or TMPDIR (an
    /// ftok collision); Failure naming RLIMIT_NOFILE if no descriptor is left;
    /// InvalidContent for a foreign, corrupt or other-version header; TimedOut if the lock is
    /// not free before `lockTimeout` seconds.
    static Result<Segment> open(const IpcNames &names, double lockTimeout);
    Segment(Segment &&) noexcept;
    Segment &operator=(Segment &&) = delete;
    ~Segment();

    /// Streams `input` into the free slot and publishes it as the next generation. TooLarge (the
    /// published version untouched) if it exceeds the capacity; TimedOut if no slot frees up
    /// in time (another load in progress, or a reader still on the previous version).
    Result<VersionInfo> load(InputSource &input, const std::string &sourceName, const ProgressFn &progress);

    using Sink = shmtools::Sink;
    /// Chooses the sink once the version is known (e.g. a command told its generation).
    using SinkFor = std::function<Result<Sink>(const VersionInfo &)>;
    /// Verifies the latest version's checksum, then writes it to the descriptor `sinkFor`
    /// returns. Generation 0 and no output if never loaded. InvalidContent on a checksum
    /// mismatch (nothing is written).
    Result<VersionInfo> read(const SinkFor &sinkFor, const ProgressFn &progress);
    /// The memory sink: calls `consume` with the verified latest version and its bytes, straight
    /// from the pinned slot (valid only during the call; empty if never loaded). InvalidContent
    /// on a checksum mismatch (`consume` is not called).
    using ConsumeFn = std::function<void(const VersionInfo &, std::span<const std::byte>)>;
    Result<VersionInfo> read(const ConsumeFn &consume);

    /// Blocks without polling until the generation exceeds `after`. TimedOut at `deadline`,
    /// Interrupted on a signal, NoSegment if the holder stops meanwhile.
    Result<std::uint64_t> waitForGenerationAbove(std::uint64_t after, const Deadline &deadline);

    /// Metadata of the segment and its latest version (locks, stats the segment and reads
    /// /proc/self/smaps: for describing a segment, not for every open).
    Result<SegmentInfo> info();

    /// The capacity from the header validated by open(); it never changes afterwards.
    std::uint64_t capacity() const;

    /// The generation published now (0 if none).
    Result<std::uint64_t> currentGeneration();

    /// Usage if this Segment was opened before a fork() and this is the child: it belongs to the
    /// parent (whose claims and pins name it); every call checks this first.
    Status usable() const;

private:
    Segment(IpcNames names, AttachedSegment attached, double lockTimeout);
    /// Pins the latest version, verifies its checksum and hands its bytes to `use`.
    Result<VersionInfo> readVerified(const std::function<Status(const VersionInfo &, std::span<const std::byte>)> &use);

    IpcNames m_names;
    SegmentStatus m_status;
    SegmentMapping m_mapping;
    /// A second, read-only mapping for writing versions out, made on the first read: tearing
    /// down read-only page-table entries costs about half as much (README, "Performance").
    SegmentMapping m_readMapping;
    double m_lockTimeout;
    // Behind pointers: the protocol refers to the OS object and the mapping, and a Segment moves.
    std::unique_ptr<SysvProtocolOs> m_os;
    std::unique_ptr<SlotProtocol> m_protocol;
};

} // namespace shmtools::detail
