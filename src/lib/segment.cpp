#include "segment.h"

#include "checksum.h"
#include "futex.h"
#include "holder_watch.h"
#include "huge_pages.h"
#include "interrupt.h"
#include "page_populator.h"
#include "process_stamp.h"
#include "size_text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

std::uint64_t pageRound(std::uint64_t bytes)
{
    return (bytes + kPageSize - 1) / kPageSize * kPageSize;
}

// Faulting pages in one madvise call is several times cheaper than one fault per page (see
// README, "Performance"); where the kernel lacks it, the copy simply faults as usual.
void populate(void *start, std::uint64_t length, int advice)
{
    if (length > 0)
        ::madvise(start, pageRound(length), advice);
}

void storeRelease(std::uint32_t &field, std::uint32_t value)
{
    __atomic_store_n(&field, value, __ATOMIC_RELEASE);
}

void storeRelease(std::int32_t &field, std::int32_t value)
{
    __atomic_store_n(&field, value, __ATOMIC_RELEASE);
}

// A 64 KiB pipe makes writer and reader take turns 16 times per MiB; at 1 MiB (the default
// unprivileged maximum) a large version flows several times faster. Best effort.
void enlargePipe(int fd, std::uint64_t length)
{
    constexpr int kPipeSize = kWriteChunk;
    struct stat info {};
    if (length > 64 * 1024 && ::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode))
        ::fcntl(fd, F_SETPIPE_SZ, kPipeSize);
}

Status writeAll(const Segment::Sink &sink, const unsigned char *data, std::uint64_t length, const ProgressFn &progress)
{
    const int fd = sink.fd;
    enlargePipe(fd, length);
    std::uint64_t done = 0;
    while (done < length) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length - done, kWriteChunk));
        const ssize_t n = ::write(fd, data + done, want);
        if (n < 0) {
            if (errno == EINTR) {
                if (interruptSignal())
                    return makeError(ExitCode::Interrupted, "stdout: interrupted while writing");
                continue;
            }
            if (errno == EPIPE && sink.earlyCloseIsFine)
                return Done{};
            return makeError(ExitCode::Failure, std::string("output: ") + std::strerror(errno));
        }
        done += static_cast<std::uint64_t>(n);
        if (progress)
            progress(done, length);
    }
    return Done{};
}

} // namespace

VersionInfo latestVersion(const SegmentHeader &header)
{
    if (header.activeSlot == kNoSlot)
        return {};
    const SlotMeta &slot = header.slots[header.activeSlot];
    return {slot.generation, slot.length, slot.checksum, sourceName(slot), slot.loadedAtMs, slot.writer.pid};
}

// A loader's claim on the free slot. Given back (slot marked free) unless published; if the
// loader dies instead, the next loader sees a dead writer and takes the slot over.
class Segment::SlotClaim {
public:
    SlotClaim(const Segment &segment, std::uint32_t slot) : m_segment(&segment), m_slot(slot) {}
    SlotClaim(SlotClaim &&other) noexcept : m_segment(std::exchange(other.m_segment, nullptr)), m_slot(other.m_slot) {}
    SlotClaim &operator=(SlotClaim &&) = delete;
    ~SlotClaim()
    {
        if (!m_segment)
            return;
        auto lock = m_segment->lock();
        if (!lock)
            return; // left for the next loader to reclaim once we are gone
        SlotMeta &meta = m_segment->header().slots[m_slot];
        if (meta.writer.pid == ::getpid() && meta.state == SlotWriting)
            storeRelease(meta.state, SlotFree);
        lock->unlock(); // before waking: a woken waiter's first step is to take the lock
        bumpAndWake(&m_segment->header().changeCounter);
    }
    std::uint32_t slot() const { return m_slot; }
    void release() { m_segment = nullptr; }

private:
    const Segment *m_segment;
    std::uint32_t m_slot;
};

// A reader's pin on the version it is writing out: loaders never overwrite a pinned slot.
class Segment::ReaderPin {
public:
    ReaderPin(const Segment &segment, std::size_t index) : m_segment(&segment), m_index(index) {}
    ReaderPin(ReaderPin &&other) noexcept : m_segment(std::exchange(other.m_segment, nullptr)), m_index(other.m_index)
    {
    }
    ReaderPin &operator=(ReaderPin &&) = delete;
    ~ReaderPin()
    {
        if (!m_segment)
            return;
        auto lock = m_segment->lock();
        if (!lock)
            return; // a dead reader's pin is cleared by the next loader that needs the slot
        layout::ReaderPin &pin = m_segment->header().pins[m_index];
        if (pin.reader.pid == ::getpid())
            storeRelease(pin.reader.pid, 0);
        lock->unlock();
        bumpAndWake(&m_segment->header().changeCounter);
    }

private:
    const Segment *m_segment;
    std::size_t m_index;
};

Segment::Segment(IpcNames names, SegmentStatus status, Semaphore semaphore, SegmentMapping mapping, double lockTimeout)
    : m_names(std::move(names)), m_status(status), m_semaphore(std::move(semaphore)), m_mapping(std::move(mapping)),
      m_lockTimeout(lockTimeout), m_self(ProcessIdentity::self())
{
}

Segment::Segment(Segment &&) noexcept = default;

Segment::~Segment()
{
    m_holderWatch.reset(); // its thread wakes waiters on the mapping: stop it before unmapping
}

Result<Segment> Segment::open(const IpcNames &names, double lockTimeout)
{
    auto shmid = findSegment(names);
    if (!shmid)
        return shmid.error();
    auto status = statSegment(*shmid, names);
    if (!status)
        return status.error();
    if (auto owned = requireOwnedSegment(*status, names); !owned)
        return owned.error();
    if (status->size < kHeaderSize)
        return makeError(ExitCode::InvalidContent,
                         names.key + ": segment " + std::to_string(*shmid) + " (" + formatSize(status->size) +
                             ") was not made by shm-tools; use --raw to treat it as a plain Qt segment");
    auto semaphore = Semaphore::open(names);
    if (!semaphore)
        return semaphore.error();
    auto mapping = SegmentMapping::attach(*shmid, status->size, names);
    if (!mapping)
        return mapping.error();
    Segment segment(names, *status, std::move(*semaphore), std::move(*mapping), lockTimeout);
    auto lock = segment.lock();
    if (!lock)
        return lock.error();
    auto valid = segment.checkLocked();
    if (!valid)
        return valid.error();
    segment.m_capacity = valid->capacity;
    segment.m_slotStride = valid->slotStride;
    return segment;
}

SegmentHeader &Segment::header() const
{
    return *reinterpret_cast<SegmentHeader *>(m_mapping.data());
}

unsigned char *Segment::slotData(std::uint32_t slot) const
{
    return m_mapping.data() + kHeaderSize + std::uint64_t{slot} * m_slotStride;
}

Result<Semaphore::Lock> Segment::lock() const
{
    return m_semaphore.lock(Deadline::after(m_lockTimeout));
}

Result<SegmentHeader> Segment::checkLocked() const
{
    SegmentHeader copy;
    std::memcpy(&copy, m_mapping.data(), sizeof copy);
    const HeaderVerdict verdict = checkHeader(copy, m_status.size);
    if (verdict.check == HeaderCheck::Foreign)
        return makeError(ExitCode::InvalidContent,
                         m_names.key + ": segment " + std::to_string(m_status.shmid) +
                             " was not made by shm-tools (no shm-tools header); use --raw to treat it as a "
                             "plain Qt segment");
    if (verdict.check == HeaderCheck::Corrupt)
        return makeError(ExitCode::InvalidContent, m_names.key + ": corrupt segment header: " + verdict.problem +
                                                       "; stop its holder and start a new one (or 'ipcrm -m " +
                                                       std::to_string(m_status.shmid) + "')");
    if (m_capacity != 0 && (copy.capacity != m_capacity || copy.slotStride != m_slotStride))
        return makeError(ExitCode::InvalidContent, m_names.key + ": corrupt segment header: its capacity changed");
    if (!isAlive(copy.holder))
        return makeError(ExitCode::NoSegment, m_names.key + ": the holder (PID " + std::to_string(copy.holder.pid) +
                                                  ") is not running; run 'shm-create -k " + m_names.key +
                                                  "' to adopt the segment and keep its content");
    return copy;
}

Result<Segment::SlotClaim> Segment::claimFreeSlot()
{
    const Deadline deadline = Deadline::after(m_lockTimeout);
    const ProcessIdentity &me = m_self;
    std::string waitingFor;
    for (;;) {
        std::uint32_t counter;
        {
            auto lock = m_semaphore.lock(deadline);
            if (!lock)
                return lock.error();
            if (auto valid = checkLocked(); !valid)
                return valid.error();
            SegmentHeader &h = header();
            const std::uint32_t target = h.activeSlot == 0 ? 1 : 0;
            SlotMeta &slot = h.slots[target];
            waitingFor.clear();
            if (slot.state == SlotWriting && slot.writer.pid != me.pid && isAlive(slot.writer))
                waitingFor = "another load (PID " + std::to_string(slot.writer.pid) + ") to finish";
            for (auto &pin : h.pins) {
                if (pin.reader.pid == 0 || pin.slot != target)
                    continue;
                if (isAlive(pin.reader))
                    waitingFor = "a reader (PID " + std::to_string(pin.reader.pid) + ") of the previous version";
                else
                    storeRelease(pin.reader.pid, 0);
            }
            if (waitingFor.empty()) {
                slot.writer = stampOf(me);
                slot.length = 0;
                storeRelease(slot.state, SlotWriting);
                return SlotClaim(*this, target);
            }
            counter = loadWord(&h.changeCounter);
        }
        switch (waitWhileEqual(&header().changeCounter, counter, deadline)) {
        case WaitOutcome::Changed: break;
        case WaitOutcome::Interrupted:
            return makeError(ExitCode::Interrupted, m_names.key + ": interrupted while waiting for " + waitingFor);
        case WaitOutcome::TimedOut:
            return makeError(ExitCode::TimedOut, m_names.key + ": timed out after " + formatSeconds(m_lockTimeout) +
                                                     " s waiting for " + waitingFor + "; retry, or raise --timeout");
        }
    }
}

Result<VersionInfo> Segment::load(InputSource &input, const std::string &sourceName, const ProgressFn &progress)
{
    const std::uint64_t capacity = m_capacity;
    const auto tooLarge = [&](const std::string &size) {
        return makeError(ExitCode::TooLarge, m_names.key + ": " + input.name() + " (" + size +
                                                 ") does not fit the capacity of " + formatSize(capacity) +
                                                 "; the previous content is unchanged; start shm-create with a "
                                                 "larger -s");
    };
    const auto known = input.knownSize();
    if (known && *known > capacity)
        return tooLarge(formatSize(*known));

    auto claim = claimFreeSlot();
    if (!claim)
        return claim.error();
    unsigned char *data = slotData(claim->slot());
    std::uint64_t populated = known ? *known : 0;
    std::optional<PagePopulator> populator;
    if (populated >= kParallelPopulateFrom)
        populator.emplace(data, populated);
    else
        populate(data, populated, MADV_POPULATE_WRITE);

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
                return tooLarge("more than " + formatSize(capacity));
            break;
        }
        if (!known && total + kReadChunk > populated && populated < capacity) {
            const std::uint64_t window = std::min<std::uint64_t>(kPopulateWindow, capacity - populated);
            populate(data + populated, window, MADV_POPULATE_WRITE);
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

    auto lock = this->lock();
    if (!lock)
        return lock.error();
    if (auto valid = checkLocked(); !valid)
        return valid.error();
    SegmentHeader &h = header();
    const std::uint32_t target = claim->slot();
    SlotMeta &slot = h.slots[target];
    if (slot.writer.pid != ::getpid() || slot.state != SlotWriting)
        return makeError(ExitCode::Failure, m_names.key + ": the slot being loaded was taken over meanwhile");
    const std::uint64_t generation = latestVersion(h).generation + 1;
    slot.length = total;
    slot.checksum = checksum.digest();
    slot.loadedAtMs = unixTimeMs();
    slot.generation = generation;
    setSourceName(slot, sourceName);
    storeRelease(slot.state, SlotReady);
    storeRelease(h.activeSlot, target); // the commit point
    claim->release();
    const VersionInfo published = latestVersion(h);
    // Waiters read the counter under the lock, so bumping after the commit and unlock still
    // changes it after any value they could have read: no wake-up is lost.
    lock->unlock();
    bumpAndWake(&h.changeCounter);
    return published;
}

Result<VersionInfo> Segment::read(const SinkFor &sinkFor, const ProgressFn &progress)
{
    VersionInfo version;
    std::uint32_t slot = kNoSlot;
    std::size_t pinIndex = kMaxReaders;
    {
        auto lock = this->lock();
        if (!lock)
            return lock.error();
        auto valid = checkLocked();
        if (!valid)
            return valid.error();
        SegmentHeader &h = header();
        version = latestVersion(*valid);
        slot = valid->activeSlot;
        if (slot == kNoSlot) {
            if (auto sink = sinkFor(version); !sink)
                return sink.error();
            return version;
        }
        for (std::size_t i = 0; i < kMaxReaders && pinIndex == kMaxReaders; ++i)
            if (h.pins[i].reader.pid == 0)
                pinIndex = i;
        for (std::size_t i = 0; i < kMaxReaders && pinIndex == kMaxReaders; ++i)
            if (!isAlive(h.pins[i].reader))
                pinIndex = i;
        if (pinIndex == kMaxReaders)
            return makeError(ExitCode::Failure, m_names.key + ": " + std::to_string(kMaxReaders) +
                                                    " readers are already reading; retry when one finishes");
        const ProcessIdentity &me = m_self;
        layout::ReaderPin &pin = h.pins[pinIndex];
        pin.slot = slot;
        pin.reader.startTime = me.startTime;
        storeRelease(pin.reader.pid, me.pid);
    }
    ReaderPin pin(*this, pinIndex);

    if (!m_readMapping.data()) {
        auto mapping = SegmentMapping::attach(m_status.shmid, m_status.size, m_names, MappingAccess::ReadOnly);
        if (!mapping)
            return mapping.error();
        m_readMapping = std::move(*mapping);
    }
    const unsigned char *data = m_readMapping.data() + (slotData(slot) - m_mapping.data());
    populate(const_cast<unsigned char *>(data), version.length, MADV_POPULATE_READ);
    const std::uint64_t actual = Checksum::of(data, version.length);
    if (actual != version.checksum)
        return makeError(ExitCode::InvalidContent,
                         m_names.key + ": checksum mismatch in generation " + std::to_string(version.generation) +
                             " (expected " + Checksum::format(version.checksum) + ", found " +
                             Checksum::format(actual) + "); nothing was written; load it again");
    auto sink = sinkFor(version);
    if (!sink)
        return sink.error();
    if (auto written = writeAll(*sink, data, version.length, progress); !written)
        return written.error();
    return version;
}

Result<std::uint64_t> Segment::currentGeneration()
{
    auto lock = this->lock();
    if (!lock)
        return lock.error();
    auto valid = checkLocked();
    if (!valid)
        return valid.error();
    return latestVersion(*valid).generation;
}

Result<std::uint64_t> Segment::waitForGenerationAbove(std::uint64_t after, const Deadline &deadline)
{
    std::uint32_t *word = &header().changeCounter;
    for (;;) {
        std::uint32_t counter;
        std::uint64_t generation;
        {
            auto lock = this->lock();
            if (!lock)
                return lock.error();
            auto valid = checkLocked();
            if (!valid)
                return valid.error();
            counter = loadWord(word);
            generation = latestVersion(*valid).generation;
            // Kept for the segment's lifetime: --follow waits again and again.
            if (!m_holderWatch)
                m_holderWatch = std::make_unique<HolderWatch>(identityOf(valid->holder), word);
        }
        if (generation > after)
            return generation;
        auto status = statSegment(m_status.shmid, m_names);
        if (!status)
            return status.error();
        if (status->markedForRemoval)
            return makeError(ExitCode::NoSegment, m_names.key +
                                                      ": the holder stopped while waiting; start "
                                                      "'shm-create -k " +
                                                      m_names.key + "' again");
        switch (waitWhileEqual(word, counter, deadline)) {
        case WaitOutcome::Changed: break;
        case WaitOutcome::Interrupted:
            return makeError(ExitCode::Interrupted, m_names.key + ": interrupted while waiting for a new version");
        case WaitOutcome::TimedOut:
            return makeError(ExitCode::TimedOut,
                             m_names.key + ": timed out after " + formatSeconds(deadline.seconds()) +
                                 " s waiting for a version newer than generation " + std::to_string(after));
        }
    }
}

Result<SegmentInfo> Segment::info()
{
    SegmentHeader copy;
    {
        auto lock = this->lock();
        if (!lock)
            return lock.error();
        auto valid = checkLocked();
        if (!valid)
            return valid.error();
        copy = *valid;
    }
    auto status = statSegment(m_status.shmid, m_names);
    if (!status)
        return status.error();
    SegmentInfo info;
    info.names = m_names;
    info.status = *status;
    info.semid = m_semaphore.id();
    info.capacity = copy.capacity;
    info.formatVersion = copy.formatVersion;
    info.createdAtMs = copy.createdAtMs;
    info.holderPid = copy.holder.pid;
    info.readers = static_cast<int>(std::count_if(std::begin(copy.pins), std::end(copy.pins),
                                                  [](const layout::ReaderPin &pin) { return isAlive(pin.reader); }));
    info.latest = latestVersion(copy);
    info.hugePages =
        copy.activeSlot == kNoSlot || info.latest.length == 0
            ? mappedByHugePages(m_mapping.data(), 0, kHeaderSize)
            : mappedByHugePages(m_mapping.data(), kHeaderSize + copy.activeSlot * m_slotStride, info.latest.length);
    return info;
}
