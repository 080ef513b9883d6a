// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/segment.h"

#include "format/checksum.h"
#include "sys/huge_pages.h"
#include "sys/interrupt.h"
#include "sys/page_populator.h"
#include "base/checksum_text.h"
#include "base/size_text.h"
#include "sys/write_fully.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace shmtools::detail {

using namespace layout;

namespace {

// Input is read in chunks big enough to amortise system calls and small enough that the
// checksum reads each one while it is still in the L2 cache (1 MiB chunks cost a quarter more).
constexpr std::size_t kReadChunk = 256 << 10;
// Output is written in chunks of the pipe size that enlargePipe() asks for.
constexpr std::size_t kWriteChunk = 1 << 20;
// Below this, a populating thread costs more than it overlaps.
constexpr std::uint64_t kParallelPopulateFrom = 16 << 20;
// How far ahead of a stream of unknown length the slot's pages are pre-faulted in one call.
constexpr std::size_t kPopulateWindow = 8 << 20;


// A size in a "does not fit" message, with its exact byte count when its rounded form reads the
// same as the other size's ("64.0 KiB does not fit the capacity of 64.0 KiB" explains nothing).
std::string sizeText(std::uint64_t bytes, std::uint64_t other)
{
    const std::string rounded = formatSize(bytes);
    if (rounded != formatSize(other))
        return rounded;
    return rounded + " (" + std::to_string(bytes) + " bytes)";
}

Status writeAll(const Segment::Sink &sink, const unsigned char *data, std::uint64_t length, const ProgressFn &progress)
{
    // A 64 KiB pipe makes writer and reader take turns 16 times per MiB; at 1 MiB (the default
    // unprivileged maximum) a large version flows several times faster.
    if (length > 64 * 1024)
        enlargePipe(sink.fd, kWriteChunk);
    const int error = writeFully(
        sink.fd, data, static_cast<std::size_t>(length),
        [&](std::size_t done) {
            if (progress)
                progress(done, length);
        },
        kWriteChunk);
    if (error == 0 || (error == EPIPE && sink.earlyCloseIsFine))
        return {};
    if (error == EINTR)
        return makeError(ErrorCode::Interrupted, "output: interrupted while writing");
    return makeError(ErrorCode::Failure, std::string("output: ") + std::strerror(error));
}

} // namespace

Segment::Segment(IpcNames names, AttachedSegment attached, double lockTimeout)
    : m_names(std::move(names)), m_status(attached.status), m_mapping(std::move(attached.mapping)),
      m_lockTimeout(lockTimeout),
      m_os(std::make_unique<SysvProtocolOs>(std::move(attached.semaphore), std::move(attached.participant))),
      m_protocol(std::make_unique<SlotProtocol>(m_mapping.data(), m_status.size, *m_os, m_names.key, attached.identity))
{
}

Segment::Segment(Segment &&) noexcept = default;

Segment::~Segment() = default;

Result<Segment> Segment::open(const IpcNames &names, double lockTimeout)
{
    // One deadline for the whole open: waiting for a repair and for the lock share the -t.
    const Deadline deadline = Deadline::after(lockTimeout);
    auto attached = attachSegment(names, deadline);
    if (!attached)
        return attached.error();
    if (attached->status.size < kHeaderSize)
        return makeError(ErrorCode::InvalidContent,
                         names.key + ": segment " + std::to_string(attached->status.shmid) + " (" +
                             formatSize(attached->status.size) + ") was not made by shm-tools",
                         Remedy::UseRaw);
    Segment segment(names, std::move(*attached), lockTimeout);
    if (auto valid = segment.m_protocol->snapshot(deadline); !valid)
        return valid.error();
    return segment;
}

Status Segment::usable() const
{
    if (m_os->forked())
        return makeError(ErrorCode::Usage,
                         m_names.key + ": this Segment was opened before fork() and belongs to the parent "
                                       "process; open a new Segment in the child");
    return {};
}

Result<VersionInfo> Segment::load(InputSource &input, const std::string &sourceName, const ProgressFn &progress)
{
    if (auto ok = usable(); !ok)
        return ok.error();
    const std::uint64_t capacity = m_protocol->capacity();
    const auto tooLarge = [&](const std::string &size, const std::string &capacityShown) {
        return makeError(ErrorCode::TooLarge,
                         m_names.key + ": " + input.name() + " (" + size + ") does not fit the capacity of " +
                             capacityShown + "; the previous content is unchanged",
                         Remedy::LargerCapacity);
    };
    const auto known = input.knownSize();
    if (known && *known > capacity)
        return tooLarge(sizeText(*known, capacity), sizeText(capacity, *known));

    auto claim = m_protocol->claim(Deadline::after(m_lockTimeout));
    if (!claim)
        return claim.error();
    unsigned char *data = m_protocol->slotData(claim->slot);
    std::uint64_t populated = known ? *known : 0;
    std::optional<PagePopulator> populator;
    if (populated >= kParallelPopulateFrom)
        populator.emplace(data, populated);
    else
        populatePages(data, populated, true);

    Checksum checksum;
    std::uint64_t total = 0;
    for (;;) {
        if (total == capacity) {
            // Full: one more byte means the input is too large (never written past the slot).
            unsigned char probe;
            auto extra = input.read(&probe, 1);
            if (!extra)
                return extra.error();
            if (*extra > 0)
                return tooLarge("more than " + formatSize(capacity), formatSize(capacity));
            break;
        }
        if (!known && total + kReadChunk > populated && populated < capacity) {
            const std::uint64_t window = std::min<std::uint64_t>(kPopulateWindow, capacity - populated);
            populatePages(data + populated, window, true);
            populated += window;
        }
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, capacity - total));
        auto n = input.read(data + total, want);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        checksum.update(data + total, *n);
        total += *n;
        if (progress)
            progress(total, known.value_or(0));
    }

    return m_protocol->publish(*claim, {total, checksum.digest(), sourceName}, Deadline::after(m_lockTimeout));
}

Result<VersionInfo> Segment::read(const SinkFor &sinkFor, const ProgressFn &progress)
{
    return readVerified([&](const VersionInfo &version, std::span<const std::byte> bytes) -> Status {
        auto sink = sinkFor(version);
        if (!sink)
            return sink.error();
        if (version.generation == 0)
            return {};
        return writeAll(*sink, reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size(), progress);
    });
}

Result<VersionInfo> Segment::read(const ConsumeFn &consume)
{
    return readVerified([&](const VersionInfo &version, std::span<const std::byte> bytes) -> Status {
        consume(version, bytes);
        return {};
    });
}

Result<VersionInfo>
Segment::readVerified(const std::function<Status(const VersionInfo &, std::span<const std::byte>)> &use)
{
    if (auto ok = usable(); !ok)
        return ok.error();
    auto pinned = m_protocol->pin(Deadline::after(m_lockTimeout));
    if (!pinned)
        return pinned.error();
    const VersionInfo version = pinned->version;
    if (pinned->slot == kNoSlot) {
        if (auto used = use(version, {}); !used)
            return used.error();
        return version;
    }
    if (!m_readMapping.data()) {
        auto mapping = SegmentMapping::attach(m_status.shmid, m_status.size, m_names, MappingAccess::ReadOnly);
        if (!mapping)
            return mapping.error();
        m_readMapping = std::move(*mapping);
    }
    const unsigned char *data = m_readMapping.data() + (m_protocol->slotData(pinned->slot) - m_mapping.data());
    populatePages(data, version.length, false);
    const std::uint64_t actual = Checksum::of(data, version.length);
    if (actual != version.checksum)
        return makeError(ErrorCode::InvalidContent,
                         m_names.key + ": checksum mismatch in generation " + std::to_string(version.generation) +
                             " (expected " + formatChecksum(version.checksum) + ", found " +
                             formatChecksum(actual) + "); nothing was written; load it again");
    if (auto used = use(version, std::as_bytes(std::span(data, version.length))); !used)
        return used.error();
    return version;
}

Result<std::uint64_t> Segment::currentGeneration()
{
    if (auto ok = usable(); !ok)
        return ok.error();
    auto valid = m_protocol->snapshot(Deadline::after(m_lockTimeout));
    if (!valid)
        return valid.error();
    return latestVersion(*valid).generation;
}

Result<std::uint64_t> Segment::waitForGenerationAbove(std::uint64_t after, const Deadline &deadline)
{
    if (auto ok = usable(); !ok)
        return ok.error();
    // A holder that stops marks the segment for removal and then wakes every waiter.
    const auto stillThere = [this]() -> Status {
        auto status = statSegment(m_status.shmid, m_names);
        if (!status)
            return status.error();
        if (status->markedForRemoval)
            return makeError(ErrorCode::NoSegment, m_names.key + ": the holder stopped while waiting",
                             Remedy::StartHolder);
        return {};
    };
    return m_protocol->waitForGenerationAbove(after, deadline, stillThere);
}

std::uint64_t Segment::capacity() const
{
    return m_protocol->capacity();
}

Result<SegmentInfo> Segment::info()
{
    if (auto ok = usable(); !ok)
        return ok.error();
    auto valid = m_protocol->snapshot(Deadline::after(m_lockTimeout));
    if (!valid)
        return valid.error();
    const SegmentHeader &copy = *valid;
    auto status = statSegment(m_status.shmid, m_names);
    if (!status)
        return status.error();
    SegmentInfo info;
    info.key = m_names.key;
    info.nativeKey = m_names.segmentKeyFile;
    info.semaphoreKey = m_names.semaphoreKeyFile;
    info.tempDir = m_names.tempDir;
    info.shmid = status->shmid;
    info.segmentSize = status->size;
    info.owner = status->uid;
    // Others' attachments, as `ipcs` shows them while we are not looking: not our own mappings.
    const std::uint64_t ours = (m_mapping.data() ? 1 : 0) + (m_readMapping.data() ? 1 : 0);
    info.attachments = status->attachments - std::min(ours, status->attachments);
    info.semid = m_os->semaphore().id(); // the one in use now: a holder may have made it again
    info.capacity = copy.capacity;
    info.formatVersion = copy.formatVersion;
    info.createdAtMs = copy.createdAtMs;
    info.holderPid = pidInOurNamespace(copy.holder, pidNamespaceId());
    info.readers = m_protocol->liveReaders(copy);
    info.latest = latestVersion(copy);
    const bool atHeader = copy.activeSlot == kNoSlot || info.latest.length == 0;
    info.hugePages = hugePageAt(m_status.shmid, m_status.size,
                                atHeader ? 0 : m_protocol->slotData(copy.activeSlot) - m_mapping.data());
    return info;
}

} // namespace shmtools::detail
