#include "protocol/slot_protocol.h"

#include "base/size_text.h"

#include <cstring>

using namespace layout;

namespace {

std::string pidText(std::int32_t pid)
{
    return "PID " + std::to_string(pid);
}

} // namespace

VersionInfo latestVersion(const SegmentHeader &header)
{
    if (header.activeSlot == kNoSlot)
        return {};
    const SlotMeta &slot = header.slots[header.activeSlot];
    return {slot.generation, slot.length, slot.checksum, sourceName(slot), slot.loadedAtMs, slot.writer.pid};
}

Lease &Lease::operator=(Lease &&other) noexcept
{
    if (this != &other) {
        giveBack();
        m_giveBack = std::exchange(other.m_giveBack, nullptr);
    }
    return *this;
}

void Lease::giveBack()
{
    if (auto giveBack = std::exchange(m_giveBack, nullptr))
        giveBack();
}

std::string identityMismatch(const KeyIdentity &recorded, const KeyIdentity &expected)
{
    const auto sameFile = [](const FileId &a, const FileId &b) { return a.device == b.device && a.inode == b.inode; };
    if (recorded.keyHash == expected.keyHash && recorded.tempDirHash == expected.tempDirHash &&
        sameFile(recorded.segmentKeyFile, expected.segmentKeyFile) &&
        sameFile(recorded.semaphoreKeyFile, expected.semaphoreKeyFile))
        return {};
    const auto describe = [](const KeyIdentity &identity) {
        return "key '" + text(identity.key, sizeof identity.key) + "' in TMPDIR " +
               text(identity.tempDir, sizeof identity.tempDir) + " (key file inode " +
               std::to_string(identity.segmentKeyFile.inode) + ")";
    };
    return "it was made for " + describe(recorded) + ", not for " + describe(expected);
}

SlotProtocol::SlotProtocol(unsigned char *base, std::uint64_t segmentSize, ProtocolOs &os, std::string key,
                           std::optional<KeyIdentity> expected)
    : m_base(base), m_segmentSize(segmentSize), m_os(os), m_key(std::move(key)), m_expected(expected)
{
}

std::uint32_t *SlotProtocol::changeCounter() const
{
    return &live().changeCounter;
}

unsigned char *SlotProtocol::slotData(std::uint32_t slot) const
{
    return m_base + kHeaderSize + std::uint64_t{slot} * m_slotStride;
}

Status SlotProtocol::lockFor(const Deadline &deadline)
{
    return m_os.lock(deadline);
}

Result<SegmentHeader> SlotProtocol::checkedCopy(bool liveHolder)
{
    SegmentHeader copy;
    std::memcpy(&copy, m_base, sizeof copy); // rule 2: into a copy, validated below
    const HeaderVerdict verdict = checkHeader(copy, m_segmentSize);
    switch (verdict.check) {
    case HeaderCheck::Valid: break;
    case HeaderCheck::Foreign:
        return makeError(ExitCode::InvalidContent,
                         m_key + ": the segment was not made by shm-tools (no shm-tools header)", Remedy::UseRaw);
    case HeaderCheck::OtherVersion:
        return makeError(ExitCode::InvalidContent,
                         m_key + ": the segment was made by another version of shm-tools, or its header is corrupt (" +
                             verdict.problem + ")",
                         Remedy::UseMatchingVersion);
    case HeaderCheck::Corrupt:
        return makeError(ExitCode::InvalidContent, m_key + ": corrupt segment header: " + verdict.problem,
                         Remedy::RestartHolder);
    }
    if (m_capacity != 0 && (copy.capacity != m_capacity || copy.slotStride != m_slotStride))
        return makeError(ExitCode::InvalidContent, m_key + ": corrupt segment header: its capacity changed");
    if (m_expected) {
        if (const std::string mismatch = identityMismatch(copy.identity, *m_expected); !mismatch.empty())
            return makeError(ExitCode::Unsafe,
                             m_key +
                                 ": refusing: another key's segment has the same System V key (an ftok "
                                 "collision): " +
                                 mismatch + "; nothing was touched; use another key or TMPDIR");
    }
    if (liveHolder && !m_os.isAlive(copy.holder))
        return makeError(ExitCode::NoSegment,
                         m_key + ": the holder (" + pidText(copy.holder.pid) + ") is not running; its segment remains",
                         Remedy::AdoptOrphan, copy.holder.pid);
    m_capacity = copy.capacity;
    m_slotStride = copy.slotStride;
    return copy;
}

Result<SegmentHeader> SlotProtocol::snapshot(const Deadline &deadline)
{
    if (auto locked = lockFor(deadline); !locked)
        return locked.error();
    OsLock lock(m_os);
    return checkedCopy();
}

Lease SlotProtocol::claimLease(std::uint32_t slot, pid_t pid)
{
    return Lease([this, slot, pid] {
        SlotMeta &meta = live().slots[slot];
        std::uint32_t writing = SlotWriting;
        if (load(meta.writer.pid) == pid)
            shared(meta.state).compare_exchange_strong(writing, SlotFree);
        m_os.bumpAndWake(changeCounter());
    });
}

Lease SlotProtocol::pinLease(std::size_t index, pid_t pid)
{
    return Lease([this, index, pid] {
        std::int32_t mine = pid;
        shared(live().pins[index].reader.pid).compare_exchange_strong(mine, 0);
        m_os.bumpAndWake(changeCounter());
    });
}

template <typename T>
Result<T> SlotProtocol::retryUntil(const Deadline &deadline,
                                   const std::function<Attempt<T>(const SegmentHeader &copy)> &attempt)
{
    for (;;) {
        Blocked blocked;
        std::uint32_t seen;
        {
            if (auto locked = lockFor(deadline); !locked)
                return locked.error();
            OsLock lock(m_os);
            auto copy = checkedCopy();
            if (!copy)
                return copy.error();
            Attempt<T> outcome = attempt(*copy);
            if (auto *value = std::get_if<T>(&outcome))
                return std::move(*value);
            if (auto *error = std::get_if<Error>(&outcome))
                return std::move(*error);
            blocked = std::move(std::get<Blocked>(outcome));
            blocked.watched.push_back({copy->holder.pid, copy->holder.startTime});
            seen = load(live().changeCounter);
        }
        switch (m_os.waitForChange(changeCounter(), seen, blocked.watched, deadline)) {
        case WaitOutcome::Changed: break;
        case WaitOutcome::Interrupted:
            return makeError(ExitCode::Interrupted, m_key + ": interrupted while waiting for " + blocked.what,
                             blocked.pid);
        case WaitOutcome::TimedOut:
            return makeError(ExitCode::TimedOut,
                             m_key + ": timed out after " + formatSeconds(deadline.seconds()) + " s waiting for " +
                                 blocked.what,
                             blocked.remedy, blocked.pid);
        }
    }
}

Result<Claim> SlotProtocol::claim(const Deadline &deadline)
{
    const ProcessIdentity me = m_os.self();
    return retryUntil<Claim>(deadline, [&](const SegmentHeader &copy) -> Attempt<Claim> {
        SegmentHeader &h = live();
        const std::uint32_t target = copy.activeSlot == 0 ? 1 : 0;
        SlotMeta &slot = h.slots[target];
        Blocked blocked;
        const ProcessStamp writer{load(slot.writer.pid), 0, slot.writer.startTime};
        if (load(slot.state) == SlotWriting && writer.pid != me.pid && m_os.isAlive(writer)) {
            blocked.what = "another load (" + pidText(writer.pid) + ") to finish";
            blocked.pid = writer.pid;
            blocked.watched.push_back({writer.pid, writer.startTime});
        }
        for (ReaderPin &pin : h.pins) {
            const ProcessStamp reader{load(pin.reader.pid), 0, pin.reader.startTime};
            if (reader.pid == 0 || pin.slot != target)
                continue;
            if (m_os.isAlive(reader)) {
                blocked.what = "a reader (" + pidText(reader.pid) + ") of the previous version";
                blocked.pid = reader.pid;
                blocked.watched.push_back({reader.pid, reader.startTime});
            } else {
                std::int32_t dead = reader.pid;
                shared(pin.reader.pid).compare_exchange_strong(dead, 0);
            }
        }
        if (!blocked.what.empty())
            return blocked;
        slot.writer.startTime = me.startTime;
        store(slot.writer.pid, me.pid);
        slot.length = 0;
        store(slot.state, static_cast<std::uint32_t>(SlotWriting));
        return Claim{target, claimLease(target, me.pid)};
    });
}

Result<VersionInfo> SlotProtocol::publish(Claim &claim, const LoadedContent &content, const Deadline &deadline)
{
    if (auto locked = lockFor(deadline); !locked)
        return locked.error();
    OsLock lock(m_os);
    auto copy = checkedCopy();
    if (!copy)
        return copy.error();
    SegmentHeader &h = live();
    SlotMeta &slot = h.slots[claim.slot];
    if (load(slot.writer.pid) != m_os.self().pid || load(slot.state) != SlotWriting)
        return makeError(ExitCode::Failure, m_key + ": the slot being loaded was taken over meanwhile");
    const std::uint64_t generation = latestVersion(*copy).generation + 1;
    slot.length = content.length;
    slot.checksum = content.checksum;
    slot.loadedAtMs = m_os.unixTimeMs();
    slot.generation = generation;
    setSourceName(slot, content.source);
    store(slot.state, static_cast<std::uint32_t>(SlotReady));
    h.activeSlot = claim.slot; // the commit point
    claim.lease.dismiss();
    auto published = checkedCopy();
    // Waiters read the counter under the lock, so bumping after the commit and unlock still
    // changes it after any value they could have read: no wake-up is lost.
    lock.unlock();
    m_os.bumpAndWake(changeCounter());
    if (!published)
        return published.error();
    return latestVersion(*published);
}

Result<Pinned> SlotProtocol::pin(const Deadline &deadline)
{
    const ProcessIdentity me = m_os.self();
    return retryUntil<Pinned>(deadline, [&](const SegmentHeader &copy) -> Attempt<Pinned> {
        Pinned pinned;
        pinned.version = latestVersion(copy);
        pinned.slot = copy.activeSlot;
        if (pinned.slot == kNoSlot)
            return pinned;
        SegmentHeader &h = live();
        Blocked blocked{"one of " + std::to_string(kMaxReaders) + " concurrent readers to finish", 0,
                        Remedy::RaiseTimeout, {}};
        for (std::size_t i = 0; i < kMaxReaders; ++i) {
            const ProcessStamp reader{load(h.pins[i].reader.pid), 0, h.pins[i].reader.startTime};
            if (reader.pid != 0 && m_os.isAlive(reader)) {
                blocked.watched.push_back({reader.pid, reader.startTime});
                continue;
            }
            ReaderPin &pin = h.pins[i];
            pin.slot = pinned.slot;
            pin.reader.startTime = me.startTime;
            store(pin.reader.pid, static_cast<std::int32_t>(me.pid));
            pinned.lease = pinLease(i, me.pid);
            return pinned;
        }
        return blocked;
    });
}

Result<std::uint64_t> SlotProtocol::waitForGenerationAbove(std::uint64_t after, const Deadline &deadline,
                                                           const std::function<Status()> &stillThere)
{
    return retryUntil<std::uint64_t>(deadline, [&](const SegmentHeader &copy) -> Attempt<std::uint64_t> {
        const std::uint64_t generation = latestVersion(copy).generation;
        if (generation > after)
            return generation;
        if (stillThere)
            if (auto there = stillThere(); !there)
                return there.error();
        return Blocked{"a version newer than generation " + std::to_string(after), 0, Remedy::None, {}};
    });
}

void SlotProtocol::initialise(std::uint64_t capacity, const KeyIdentity &identity)
{
    SegmentHeader header = initialHeader(capacity);
    const ProcessIdentity me = m_os.self();
    header.holder = {me.pid, 0, me.startTime};
    header.createdAtMs = m_os.unixTimeMs();
    header.identity = identity;
    // Magic last: until the header is complete the segment does not look like ours. Nobody else
    // can see it yet (the caller holds the lock and has just made the segment).
    std::memcpy(m_base + sizeof header.magic, reinterpret_cast<const char *>(&header) + sizeof header.magic,
                sizeof header - sizeof header.magic);
    std::atomic_thread_fence(std::memory_order_release);
    std::memcpy(m_base, header.magic, sizeof header.magic);
}

Result<VersionInfo> SlotProtocol::adopt(const Deadline &deadline)
{
    if (auto locked = lockFor(deadline); !locked)
        return locked.error();
    OsLock lock(m_os);
    auto copy = checkedCopy(false);
    if (!copy)
        return copy.error();
    if (m_os.isAlive(copy->holder))
        return makeError(ExitCode::KeyHeld, m_key + ": held by a running holder (" + pidText(copy->holder.pid) + ")",
                         Remedy::StopHolderOrChooseAnotherKey, copy->holder.pid);
    SegmentHeader &h = live();
    const ProcessIdentity me = m_os.self();
    h.holder.startTime = me.startTime;
    store(h.holder.pid, static_cast<std::int32_t>(me.pid));
    for (SlotMeta &slot : h.slots) {
        const ProcessStamp writer{load(slot.writer.pid), 0, slot.writer.startTime};
        std::uint32_t writing = SlotWriting;
        if (!m_os.isAlive(writer))
            shared(slot.state).compare_exchange_strong(writing, SlotFree);
    }
    for (ReaderPin &pin : h.pins) {
        std::int32_t reader = load(pin.reader.pid);
        if (reader != 0 && !m_os.isAlive({reader, 0, pin.reader.startTime}))
            shared(pin.reader.pid).compare_exchange_strong(reader, 0);
    }
    return latestVersion(*copy);
}
