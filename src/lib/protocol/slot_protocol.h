// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The two-slot protocol on a header in memory (a mapped segment, or a plain buffer in tests):
// validation of every header copy, claims, pins, publishing, waiting and adoption. Everything
// the operating system does for it goes through ProtocolOs, so it runs the same against a fake.

#include "base/deadline.h"
#include "protocol/protocol_os.h"
#include "base/error.h"
#include "format/segment_layout.h"

#include <shmtools/segment.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace shmtools::detail {

/// Who a record names, for messages: "PID 7"; for a record made in a namespace other than
/// `ourNamespace` (see pidNamespaceId()) "PID 4242 (PID 7 in its PID namespace)" when that
/// namespace is below ours (pidSeenHere), else "PID 7 in another PID namespace".
std::string describeParticipant(const layout::Participant &record, std::uint64_t ourNamespace);
/// The record's PID as seen here: its own if made in `ourNamespace`, the translated one for a
/// namespace below ours (pidSeenHere), else 0 (it cannot be signalled from here).
pid_t pidInOurNamespace(const layout::Participant &record, std::uint64_t ourNamespace);

/// Metadata of the latest version in `header` (generation 0 if none); `header` must be valid.
VersionInfo latestVersion(const layout::SegmentHeader &header);

/// A claim or a pin of this participant. Given back on destruction with one atomic store and no
/// lock, so a live participant never leaves one behind because the lock was busy; dismiss()
/// keeps it (a published claim has become the version).
class Lease {
public:
    Lease() = default;
    explicit Lease(std::function<void()> giveBack) : m_giveBack(std::move(giveBack)) {}
    Lease(Lease &&other) noexcept : m_giveBack(std::exchange(other.m_giveBack, nullptr)) {}
    Lease &operator=(Lease &&other) noexcept;
    ~Lease() { giveBack(); }
    /// Gives it back now (idempotent).
    void giveBack();
    void dismiss() { m_giveBack = nullptr; }
    bool held() const { return static_cast<bool>(m_giveBack); }

private:
    std::function<void()> m_giveBack;
};

/// A slot claimed for loading.
struct Claim {
    std::uint32_t slot = layout::kNoSlot;
    Lease lease;
};

/// The latest version, pinned while it is read (no lease if there is no version yet).
struct Pinned {
    VersionInfo version;
    std::uint32_t slot = layout::kNoSlot;
    Lease lease;
};

/// What a loader has written into its claimed slot.
struct LoadedContent {
    std::uint64_t length = 0;
    std::uint64_t checksum = 0;
    std::string source;
};

class SlotProtocol {
public:
    /// The header at `base`, of a segment of `segmentSize` bytes, reached as `key`. With
    /// `expected`, every copy must record its key and segment key file (Unsafe otherwise: an ftok
    /// collision; identityMismatch).
    SlotProtocol(unsigned char *base, std::uint64_t segmentSize, ProtocolOs &os, std::string key,
                 std::optional<layout::KeyIdentity> expected);

    /// The caller holds the lock: a validated copy of the header. InvalidContent for a foreign,
    /// corrupt or other-version header, or one whose geometry changed; Unsafe for another
    /// identity; NoSegment if `liveHolder` and the holder is not running.
    Result<layout::SegmentHeader> checkedCopy(bool liveHolder = true);
    /// Takes the lock for a validated copy.
    Result<layout::SegmentHeader> snapshot(const Deadline &deadline);

    /// Claims the slot that is not published, waiting (woken by every release, and within a
    /// probe slice by the death of anyone it waits on) while another live participant writes it
    /// or live participants pin it: another Segment of this very process is a rival like any
    /// other. TimedOut at the deadline, Interrupted on a signal.
    Result<Claim> claim(const Deadline &deadline);
    /// Publishes a claimed slot as the next generation. Failure if the claim was lost.
    Result<VersionInfo> publish(Claim &claim, const LoadedContent &content, const Deadline &deadline);
    /// Pins the latest version. While the pin table is full, waits for a pin to be given back
    /// or its reader to die; TimedOut at the deadline.
    Result<Pinned> pin(const Deadline &deadline);
    /// Waits until the generation exceeds `after`; `stillThere` runs before each sleep (its
    /// error ends the wait). TimedOut, Interrupted, NoSegment if the holder dies.
    Result<std::uint64_t> waitForGenerationAbove(std::uint64_t after, const Deadline &deadline,
                                                 const std::function<Status()> &stillThere);

    /// The caller holds the lock and made the segment: writes a fresh header, magic last.
    void initialise(std::uint64_t capacity, const layout::KeyIdentity &identity);
    /// Takes the lock and adopts an orphan: records this participant as holder, and the key
    /// files and TMPDIR path it reached the segment through, and frees the dead's claims and pins. KeyHeld if the holder is alive (another adopter won); the kept
    /// version.
    Result<VersionInfo> adopt(const Deadline &deadline);

    /// Live reader pins in a validated copy (pins of participants that still exist).
    int liveReaders(const layout::SegmentHeader &copy) const;
    /// "PID 7", or "PID 7 in another PID namespace": who a record names, for messages.
    std::string who(const layout::Participant &record) const;
    /// How often this protocol found the semaphore granted twice (a live owner in the
    /// lock-owner word) and stayed out; for tests and diagnostics.
    std::uint64_t doubleGrantsSeen() const { return m_doubleGrants; }

    /// How long a blocked wait sleeps at most before it probes again whether the participants
    /// it waits on still exist (their death wakes nobody).
    static constexpr std::chrono::milliseconds kProbeSlice{100};
    /// The same while the lock-owner word names a live participant: it holds the lock for a
    /// header update only, microseconds.
    static constexpr std::chrono::milliseconds kOwnerProbeSlice{2};

    /// First byte of a slot; valid once a copy was validated.
    unsigned char *slotData(std::uint32_t slot) const;
    std::uint64_t capacity() const { return m_capacity; }
    std::uint32_t *changeCounter() const;
    layout::SegmentHeader &live() const { return *reinterpret_cast<layout::SegmentHeader *>(m_base); }

private:
    /// What a step that cannot go on yet waits for.
    struct Blocked {
        std::string what; ///< for messages: "another load (PID 7) to finish"
        pid_t pid = 0;    ///< the process it names, if one in our PID namespace
        Remedy remedy = Remedy::RaiseTimeout;
        std::vector<std::uint64_t> watched; ///< tokens; a death among these ends the wait (the holder's always does)
    };
    template <typename T>
    using Attempt = std::variant<T, Blocked, Error>;
    /// The one wait of the protocol: runs `attempt` under the lock on a validated copy of the
    /// header (it may change the live one) until it yields a value, sleeping in between until the
    /// header changes or a watched process dies. Its Error as is; TimedOut at `deadline` and
    /// Interrupted on a signal, naming what it waited for.
    template <typename T>
    Result<T> retryUntil(const Deadline &deadline,
                         const std::function<Attempt<T>(const layout::SegmentHeader &copy)> &attempt);
    /// The lock: the semaphore, then the lock-owner word (0 or a dead token -> ours). A live
    /// token there means the semaphore was granted twice: we keep our unit (the surplus one),
    /// stay out, and retry until that owner leaves or dies, or the deadline.
    Status lockFor(const Deadline &deadline);
    Status waitForRestoredLock(const Error &removed, const Deadline &deadline);
    void unlockOwned();
    /// Holds the lock taken by lockFor for a scope; unlock() gives it back early.
    class Held {
    public:
        explicit Held(SlotProtocol &protocol) : m_protocol(&protocol) {}
        Held(const Held &) = delete;
        Held &operator=(const Held &) = delete;
        ~Held() { unlock(); }
        void unlock()
        {
            if (m_protocol)
                std::exchange(m_protocol, nullptr)->unlockOwned();
        }

    private:
        SlotProtocol *m_protocol;
    };
    /// True if the live header is ours (magic and format version): only then is the lock-owner
    /// word ours to write (a foreign segment's bytes are someone's data).
    bool ownsHeaderWords() const;
    /// Writes this participant into `record` (token last, rule 1).
    void sign(layout::Participant &record) const;
    /// The PID a message may hand on (0 if it lives in another PID namespace).
    pid_t pidOf(const layout::Participant &record) const;
    Lease pinLease(std::size_t index, std::uint64_t token);
    Lease claimLease(std::uint32_t slot, std::uint64_t token);

    unsigned char *m_base;
    std::uint64_t m_segmentSize;
    ProtocolOs &m_os;
    std::string m_key;
    std::optional<layout::KeyIdentity> m_expected;
    std::uint64_t m_capacity = 0;
    std::uint64_t m_slotStride = 0;
    bool m_ownerWordSet = false; ///< lockFor wrote our token into the lock-owner word
    std::uint64_t m_doubleGrants = 0;
};

/// Empty if `recorded` names the same key and segment key file (device and inode) as
/// `expected`, whatever TMPDIR path led to it and whichever semaphore key file is there now;
/// otherwise what differs (never two equal values), for a message.
std::string identityMismatch(const layout::KeyIdentity &recorded, const layout::KeyIdentity &expected);

} // namespace shmtools::detail
