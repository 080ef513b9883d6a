// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/slot_protocol.h"

#include "base/size_text.h"
#include "sys/process_identity.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace shmtools::detail {

using namespace layout;

namespace {

// A PID means nothing outside its namespace (a container's holder is often PID 1 there).
bool inAnotherNamespace(const Participant &record, std::uint64_t ourNamespace)
{
    return record.pidNamespace != 0 && ourNamespace != 0 && record.pidNamespace != ourNamespace;
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
    // The key and the segment key file decide which segment this is: ftok() is taken from that
    // file, under any path to it (a bind mount, a renamed TMPDIR, a hard link). The TMPDIR path
    // and the semaphore key file (made anew after a Qt program's create(), or a cleaner, removed
    // it) are what the holder recorded, for messages and for --remove, and decide nothing.
    const bool sameKey = recorded.keyHash == expected.keyHash;
    const bool sameFile = recorded.segmentKeyFile.device == expected.segmentKeyFile.device &&
                          recorded.segmentKeyFile.inode == expected.segmentKeyFile.inode;
    if (sameKey && sameFile)
        return {};
    const std::string key = text(recorded.key, sizeof recorded.key);
    const std::string where = " in TMPDIR " + text(recorded.tempDir, sizeof recorded.tempDir);
    if (!sameKey) {
        const std::string ours = text(expected.key, sizeof expected.key);
        // Keys too long to be recorded whole keep their ends, which may agree.
        return ours != key ? "it was made for key '" + key + "'" + where + ", not for key '" + ours + "'"
                           : "it was made for another key ending in '" + key + "'" + where;
    }
    const auto file = [](const FileId &id) {
        return "inode " + std::to_string(id.inode) + " on device " + std::to_string(id.device);
    };
    return "it was made for key '" + key + "'" + where + " with the key file " + file(recorded.segmentKeyFile) +
           ", not for the key file here (" + file(expected.segmentKeyFile) + ")";
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

bool SlotProtocol::ownsHeaderWords() const
{
    char magic[sizeof kMagic];
    std::uint32_t version = 0;
    std::memcpy(magic, m_base, sizeof magic); // rule 2: copies, judged before any use
    std::memcpy(&version, m_base + offsetof(SegmentHeader, formatVersion), sizeof version);
    if (std::memcmp(magic, kMagic, sizeof magic) != 0 || version != kFormatVersion)
        return false;
    if (!m_expected)
        return true;
    // Another key's segment reached through an ftok collision is refused untouched.
    KeyIdentity recorded;
    std::memcpy(&recorded, m_base + offsetof(SegmentHeader, identity), sizeof recorded);
    return identityMismatch(recorded, *m_expected).empty();
}

// The semaphore was removed under a live holder (systemd-logind's RemoveIPC at logout, a Qt
// program's failed create(), by hand): the holder restores it under the same key within about a
// second, so wait for that, bounded by the deadline, instead of failing. NoSegment (exit 3)
// naming the holder if it does not come back in time; the error as it was if the holder has
// stopped, or is this participant (only it can restore the semaphore: never wait for itself).
Status SlotProtocol::waitForRestoredLock(const Error &removed, const Deadline &deadline)
{
    const std::uint64_t holder =
        ownsHeaderWords() ? shared(live().holder.token).load(std::memory_order_acquire) : 0;
    if (holder == 0 || holder == m_os.self().token || !m_os.isAlive(holder))
        return removed;
    Participant record{};
    std::memcpy(&record, m_base + offsetof(SegmentHeader, holder), sizeof record);
    const auto holderGone = [&] { return !m_os.isAlive(holder); };
    for (;;) {
        if (m_os.lockRestored()) {
            auto locked = m_os.lock(deadline);
            if (locked || locked.error().code != ErrorCode::NoSegment)
                return locked;
            continue; // removed again meanwhile
        }
        if (holderGone())
            return removed;
        const WaitOutcome outcome =
            m_os.waitForChange(changeCounter(), load(live().changeCounter), deadline, kProbeSlice, [] { return true; });
        if (outcome == WaitOutcome::Interrupted)
            return makeError(ErrorCode::Interrupted, m_key + ": interrupted while waiting for the segment lock");
        if (outcome == WaitOutcome::TimedOut)
            return makeError(ErrorCode::NoSegment,
                             m_key + ": the segment's semaphore was removed while its holder (" + who(record) +
                                 ") runs (systemd-logind's RemoveIPC at logout, a Qt program's failed create(), or "
                                 "by hand), and the holder did not restore it within " +
                                 formatSeconds(deadline.seconds()) + " s",
                             Remedy::RaiseTimeout, pidOf(record));
    }
}

Status SlotProtocol::lockFor(const Deadline &deadline)
{
    const std::uint64_t me = m_os.self().token;
    if (auto locked = m_os.lock(deadline); !locked) {
        if (locked.error().code != ErrorCode::NoSegment)
            return locked.error();
        if (auto restored = waitForRestoredLock(locked.error(), deadline); !restored)
            return restored.error();
    }
    if (!ownsHeaderWords()) {
        m_ownerWordSet = false; // checkedCopy names what the segment is
        return {};
    }
    std::atomic_ref<std::uint64_t> owner = shared(live().lockOwner);
    const auto ownerLeft = [&] {
        const std::uint64_t now = owner.load(std::memory_order_acquire);
        return now == 0 || now == me || !m_os.isAlive(now);
    };
    bool counted = false;
    for (;;) {
        std::uint64_t seen = owner.load(std::memory_order_acquire);
        // Free, ours (a record we failed to clear), or left by a participant that died inside.
        if (seen == 0 || seen == me || !m_os.isAlive(seen)) {
            if (!owner.compare_exchange_strong(seen, me, std::memory_order_acq_rel))
                continue;
            m_ownerWordSet = true;
            // Whoever waited out a double grant holds the surplus unit; one more may be left
            // in the semaphore: take it out, so that it counts one again.
            m_os.dropSurplusUnit();
            return {};
        }
        // A live participant is inside: the semaphore was granted twice (a Qt peer's create()
        // reset it while it was held). Stay out, keeping the unit we got (giving it back would
        // only hand the surplus on to the next one), and look again in short slices.
        if (!std::exchange(counted, true))
            ++m_doubleGrants;
        const WaitOutcome outcome =
            m_os.waitForChange(changeCounter(), load(live().changeCounter), deadline, kOwnerProbeSlice, ownerLeft);
        if (outcome == WaitOutcome::Changed)
            continue;
        m_os.unlock();
        if (outcome == WaitOutcome::Interrupted)
            return makeError(ErrorCode::Interrupted, m_key + ": interrupted while waiting for the segment lock");
        return makeError(ErrorCode::TimedOut,
                         m_key + ": timed out after " + formatSeconds(deadline.seconds()) +
                             " s waiting for the segment lock: its semaphore was granted twice (reset while held, "
                             "e.g. by a Qt program's create() on this key) and the other participant is still inside",
                         Remedy::RaiseTimeoutOrStopLockHolder);
    }
}

void SlotProtocol::unlockOwned()
{
    if (std::exchange(m_ownerWordSet, false)) {
        std::uint64_t me = m_os.self().token;
        shared(live().lockOwner).compare_exchange_strong(me, 0, std::memory_order_acq_rel);
    }
    m_os.unlock();
}

std::string describeParticipant(const Participant &record, std::uint64_t ourNamespace)
{
    if (!inAnotherNamespace(record, ourNamespace))
        return "PID " + std::to_string(record.pid);
    if (const pid_t here = pidSeenHere(record.pid, record.pidNamespace))
        return "PID " + std::to_string(here) + " (PID " + std::to_string(record.pid) + " in its PID namespace)";
    return "PID " + std::to_string(record.pid) + " in another PID namespace";
}

pid_t pidInOurNamespace(const Participant &record, std::uint64_t ourNamespace)
{
    // A namespace below ours (a container started from here) shows its processes to us too.
    return inAnotherNamespace(record, ourNamespace) ? pidSeenHere(record.pid, record.pidNamespace) : record.pid;
}

std::string SlotProtocol::who(const Participant &record) const
{
    return describeParticipant(record, m_os.self().pidNamespace);
}

pid_t SlotProtocol::pidOf(const Participant &record) const
{
    return pidInOurNamespace(record, m_os.self().pidNamespace);
}

void SlotProtocol::sign(Participant &record) const
{
    const Participant me = m_os.self();
    record.pid = me.pid;
    record.pidNamespace = me.pidNamespace;
    store(record.token, me.token);
}

int SlotProtocol::liveReaders(const SegmentHeader &copy) const
{
    int live = 0;
    for (const ReaderPin &pin : copy.pins)
        if (pin.reader.token != 0 && m_os.isAlive(pin.reader.token))
            ++live;
    return live;
}

namespace {

bool isAllZero(const SegmentHeader &copy)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(&copy);
    return std::all_of(bytes, bytes + sizeof copy, [](unsigned char byte) { return byte == 0; });
}

} // namespace

Result<SegmentHeader> SlotProtocol::checkedCopy(bool liveHolder)
{
    SegmentHeader copy;
    std::memcpy(&copy, m_base, sizeof copy); // rule 2: into a copy, validated below
    const HeaderVerdict verdict = checkHeader(copy, m_segmentSize);
    switch (verdict.check) {
    case HeaderCheck::Valid: break;
    case HeaderCheck::Foreign:
        // A shm-tools holder marked on the key file still holds it: the header was overwritten.
        if (const auto holder = m_os.markedHolder())
            return makeError(ErrorCode::InvalidContent,
                             m_key + ": the segment's header was overwritten (a program wrote into the segment, "
                                     "e.g. a Qt peer through data()) while its holder (" +
                                 (*holder ? "PID " + std::to_string(*holder) : std::string("PID unknown here")) +
                                 ") runs; nothing can be read or loaded until the holder is restarted",
                             Remedy::RestartHolder, *holder);
        return makeError(ErrorCode::InvalidContent,
                         m_key + ": the segment was not made by shm-tools (no shm-tools header)" +
                             (isAllZero(copy) ? std::string(" or never finished: it is all zero, as a holder killed "
                                                            "between making it and writing its header leaves it (a "
                                                            "new holder replaces such a segment; removing the key "
                                                            "removes it), or as a plain Qt segment nothing was "
                                                            "written to reads")
                                              : std::string()),
                         Remedy::UseRaw);
    case HeaderCheck::OtherVersion:
        return makeError(ErrorCode::InvalidContent,
                         m_key + ": the segment was made by another version of shm-tools, or its header is corrupt (" +
                             verdict.problem + ")",
                         Remedy::UseMatchingVersion);
    case HeaderCheck::Corrupt:
        return makeError(ErrorCode::InvalidContent, m_key + ": corrupt segment header: " + verdict.problem,
                         Remedy::RestartHolder);
    }
    if (m_capacity != 0 && (copy.capacity != m_capacity || copy.slotStride != m_slotStride))
        return makeError(ErrorCode::InvalidContent, m_key + ": corrupt segment header: its capacity changed");
    if (m_expected) {
        if (const std::string mismatch = identityMismatch(copy.identity, *m_expected); !mismatch.empty())
            return makeError(ErrorCode::Unsafe,
                             m_key +
                                 ": refusing: another key's segment has the same System V key (an ftok "
                                 "collision): " +
                                 mismatch + "; nothing was touched; use another key or TMPDIR");
    }
    if (liveHolder && !m_os.isAlive(copy.holder.token))
        return makeError(ErrorCode::NoSegment,
                         m_key + ": the holder (" + who(copy.holder) + ") is not running; its segment remains",
                         Remedy::AdoptOrphan, pidOf(copy.holder));
    m_capacity = copy.capacity;
    m_slotStride = copy.slotStride;
    return copy;
}

Result<SegmentHeader> SlotProtocol::snapshot(const Deadline &deadline)
{
    if (auto locked = lockFor(deadline); !locked)
        return locked.error();
    Held lock(*this);
    return checkedCopy();
}

Lease SlotProtocol::claimLease(std::uint32_t slot, std::uint64_t token)
{
    return Lease([this, slot, token] {
        SlotMeta &meta = live().slots[slot];
        std::uint32_t writing = SlotWriting;
        if (load(meta.writer.token) == token)
            shared(meta.state).compare_exchange_strong(writing, SlotFree);
        m_os.bumpAndWake(changeCounter());
    });
}

Lease SlotProtocol::pinLease(std::size_t index, std::uint64_t token)
{
    return Lease([this, index, token] {
        std::uint64_t mine = token;
        shared(live().pins[index].reader.token).compare_exchange_strong(mine, 0);
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
            Held lock(*this);
            auto copy = checkedCopy();
            if (!copy)
                return copy.error();
            Attempt<T> outcome = attempt(*copy);
            if (auto *value = std::get_if<T>(&outcome))
                return std::move(*value);
            if (auto *error = std::get_if<Error>(&outcome))
                return std::move(*error);
            blocked = std::move(std::get<Blocked>(outcome));
            blocked.watched.push_back(copy->holder.token);
            seen = load(live().changeCounter);
        }
        const auto someoneGone = [&] {
            for (const std::uint64_t token : blocked.watched)
                if (!m_os.isAlive(token))
                    return true;
            return false;
        };
        switch (m_os.waitForChange(changeCounter(), seen, deadline, kProbeSlice, someoneGone)) {
        case WaitOutcome::Changed: break;
        case WaitOutcome::Interrupted:
            return makeError(ErrorCode::Interrupted, m_key + ": interrupted while waiting for " + blocked.what,
                             blocked.pid);
        case WaitOutcome::TimedOut:
            return makeError(ErrorCode::TimedOut,
                             m_key + ": timed out after " + formatSeconds(deadline.seconds()) + " s waiting for " +
                                 blocked.what,
                             blocked.remedy, blocked.pid);
        }
    }
}

Result<Claim> SlotProtocol::claim(const Deadline &deadline)
{
    const std::uint64_t me = m_os.self().token;
    return retryUntil<Claim>(deadline, [&](const SegmentHeader &copy) -> Attempt<Claim> {
        SegmentHeader &h = live();
        const std::uint32_t target = copy.activeSlot == 0 ? 1 : 0;
        SlotMeta &slot = h.slots[target];
        Blocked blocked;
        // Tokens, not PIDs: another Segment of this very process is a rival loader.
        const std::uint64_t writer = load(slot.writer.token);
        if (load(slot.state) == SlotWriting && writer != me && m_os.isAlive(writer)) {
            blocked.what = "another load (" + who(slot.writer) + ") to finish";
            blocked.pid = pidOf(slot.writer);
            blocked.watched.push_back(writer);
        }
        for (ReaderPin &pin : h.pins) {
            std::uint64_t reader = load(pin.reader.token);
            if (reader == 0 || pin.slot != target)
                continue;
            if (m_os.isAlive(reader)) {
                blocked.what = "a reader (" + who(pin.reader) + ") of the previous version";
                blocked.pid = pidOf(pin.reader);
                blocked.watched.push_back(reader);
            } else {
                shared(pin.reader.token).compare_exchange_strong(reader, 0);
            }
        }
        if (!blocked.what.empty())
            return blocked;
        sign(slot.writer);
        slot.length = 0;
        store(slot.state, static_cast<std::uint32_t>(SlotWriting));
        return Claim{target, claimLease(target, me)};
    });
}

Result<VersionInfo> SlotProtocol::publish(Claim &claim, const LoadedContent &content, const Deadline &deadline)
{
    if (auto locked = lockFor(deadline); !locked)
        return locked.error();
    Held lock(*this);
    auto copy = checkedCopy();
    if (!copy)
        return copy.error();
    SegmentHeader &h = live();
    SlotMeta &slot = h.slots[claim.slot];
    if (load(slot.writer.token) != m_os.self().token || load(slot.state) != SlotWriting)
        return makeError(ErrorCode::Failure, m_key + ": the slot being loaded was taken over meanwhile");
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
    const std::uint64_t me = m_os.self().token;
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
            const std::uint64_t reader = load(h.pins[i].reader.token);
            if (reader != 0 && m_os.isAlive(reader)) {
                blocked.watched.push_back(reader);
                continue;
            }
            ReaderPin &pin = h.pins[i];
            pin.slot = pinned.slot;
            sign(pin.reader);
            pinned.lease = pinLease(i, me);
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
    header.holder = m_os.self();
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
    Held lock(*this);
    auto copy = checkedCopy(false);
    if (!copy)
        return copy.error();
    SegmentHeader &h = live();
    if (m_os.isAlive(load(h.holder.token)))
        return makeError(ErrorCode::KeyHeld, m_key + ": held by a running holder (" + who(copy->holder) + ")",
                         Remedy::StopHolderOrChooseAnotherKey, pidOf(copy->holder));
    sign(h.holder);
    // The semaphore key file may be another since the dead holder's (made anew after a Qt
    // create() or a cleaner removed it), and the TMPDIR path another way to the same directory:
    // what --remove and the listing look up from now on is what this holder uses.
    if (m_expected)
        h.identity = *m_expected;
    for (SlotMeta &slot : h.slots) {
        std::uint32_t writing = SlotWriting;
        if (!m_os.isAlive(load(slot.writer.token)))
            shared(slot.state).compare_exchange_strong(writing, SlotFree);
    }
    for (ReaderPin &pin : h.pins) {
        std::uint64_t reader = load(pin.reader.token);
        if (reader != 0 && !m_os.isAlive(reader))
            shared(pin.reader.token).compare_exchange_strong(reader, 0);
    }
    return latestVersion(*copy);
}

} // namespace shmtools::detail
