// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The segment format, defined once: a page-sized header, then two payload slots of `slotStride`
// bytes. Pure data: no Qt, no system calls. Every field has a fixed size and offset.
//
// The memory-model rule (one rule for the whole header):
// 1. A field that another process may write while we read it, or read while we write it, is
//    accessed only through std::atomic_ref (shared()/load()/store() below), wherever it is
//    touched, under the lock or not. These are: `changeCounter` (the futex word, bumped without
//    the lock), `lockOwner` (compare-exchanged right after the semaphore is taken, to notice a
//    semaphore granted twice), `SlotMeta::state` and `SlotMeta::writer.token` (a claim is given
//    back without the lock), `ReaderPin::reader.token` (a pin is given back without the lock)
//    and `holder.token`. A record's token is stored last (release) and its pid and namespace
//    before it, so a reader that sees the token sees who made it.
// 2. Every other field is written only under the segment lock, and read either under the lock
//    or from a copy of the whole header that is then validated (checkHeader) before any size,
//    offset or index is taken from it. Copying (memcpy) into such a copy is the only plain
//    access to bytes others may write concurrently: a hostile or crashing same-user process can
//    scribble anywhere, so nothing read from the live header is trusted unvalidated.
// 3. Nothing else: no plain loads or stores of rule-1 fields, no memcpy out of the live header
//    except into a copy that is validated before use.
//
// Who a record names: a participant (a Segment or a Holder object, never a process), by its
// token, the byte it keeps OFD-locked in the segment's key file (sys/participant_lock.h). The
// PID and PID namespace beside the token are for messages only and decide nothing.

#include "base/file_identity.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace shmtools::detail {

namespace layout {

inline constexpr char kMagic[8] = {'S', 'H', 'M', 'T', 'O', 'O', 'L', 'S'};
/// Version 3 names participants by token (Participant) and has the lock-owner word; version 2
/// named processes by PID and start time; version 1 had no key identity either.
inline constexpr std::uint32_t kFormatVersion = 3;
inline constexpr std::size_t kHeaderSize = 4096;
inline constexpr std::size_t kPageSize = 4096;
inline constexpr std::size_t kSlotCount = 2;
inline constexpr std::size_t kSourceNameSize = 256;
inline constexpr std::size_t kMaxReaders = 64;
inline constexpr std::size_t kKeyTextSize = 256;
inline constexpr std::size_t kTempDirTextSize = 512;
inline constexpr std::uint32_t kNoSlot = 0xffffffffu;

/// Who made a record. The pid sits where version 2 had its PID, and the token where version 2
/// had the start time, so an older holder record is still read as (pid, start time).
struct Participant {
    std::int32_t pid;           ///< for messages only (as seen in `pidNamespace`)
    std::uint32_t reserved;
    std::uint64_t token;        ///< 0: empty (rule 1: atomic)
    std::uint64_t pidNamespace; ///< inode of the maker's /proc/self/ns/pid, for messages only
};

enum SlotState : std::uint32_t {
    SlotFree = 0,    ///< never written, or given up by a loader
    SlotWriting = 1, ///< claimed by `writer`, content incomplete
    SlotReady = 2,   ///< a complete version (the active one, or the one before it)
};

struct SlotMeta {
    std::uint32_t state; ///< rule 1: atomic
    std::uint32_t reserved;
    std::uint64_t generation;
    std::uint64_t length;
    std::uint64_t checksum;
    std::int64_t loadedAtMs; ///< Unix time in milliseconds
    Participant writer;
    char source[kSourceNameSize]; ///< NUL-terminated, shortened if needed: metadata only
};

/// A reader's claim on a slot: a pinned slot is never overwritten.
struct ReaderPin {
    Participant reader;
    std::uint32_t slot;
    std::uint32_t reserved;
};

/// A file as ftok cannot alias it: its device and its full inode number.
using FileId = FileIdentity;

/// What the segment was made for. ftok() keeps only 16 bits of a key file's inode, so another
/// key, or the same key under another TMPDIR, can reach this segment; comparing this record
/// with the opener's own detects that before any data is touched.
struct KeyIdentity {
    FileId segmentKeyFile;
    FileId semaphoreKeyFile;
    std::uint64_t keyHash;     ///< XXH3-64 of the whole key
    std::uint64_t tempDirHash; ///< XXH3-64 of the whole TMPDIR path
    char key[kKeyTextSize];    ///< for messages: NUL-terminated, shortened if needed
    char tempDir[kTempDirTextSize];
};

struct SegmentHeader {
    char magic[8];
    std::uint32_t formatVersion;
    std::uint32_t headerSize;
    std::uint64_t capacity;
    std::uint64_t slotStride;
    std::int64_t createdAtMs;
    Participant holder;
    /// The published version; changing it is the single store that commits a load.
    std::uint32_t activeSlot;
    /// Futex word, bumped on every change others may wait for (publish, unpin, release, stop).
    std::uint32_t changeCounter;
    /// Token of the participant inside the lock, 0 if none: set right after the semaphore is
    /// taken, cleared right before it is given back. A live token found here by someone who
    /// has just taken the semaphore means it was granted twice (rule 1: atomic).
    std::uint64_t lockOwner;
    SlotMeta slots[kSlotCount];
    ReaderPin pins[kMaxReaders];
    KeyIdentity identity;
};

static_assert(std::is_standard_layout_v<SegmentHeader>);
static_assert(std::is_trivially_copyable_v<SegmentHeader>);
static_assert(sizeof(SegmentHeader) <= kHeaderSize);
static_assert(offsetof(SegmentHeader, changeCounter) % 4 == 0);
static_assert(offsetof(SegmentHeader, formatVersion) == 8, "kept where version 1 had it, to name old headers");
static_assert(offsetof(SegmentHeader, holder) == 40, "kept where version 1 had it, to name an old holder");
static_assert(offsetof(SegmentHeader, holder) + offsetof(Participant, token) == 48,
              "where versions 1 and 2 kept the holder's start time");
static_assert(offsetof(SegmentHeader, lockOwner) == 72, "tests/interop/lock-granted-twice.sh writes it there");
static_assert(offsetof(Participant, token) % 8 == 0);

/// Rule 1 accessors: `field` lives in shared memory and others touch it concurrently.
template <typename T>
std::atomic_ref<T> shared(T &field)
{
    static_assert(std::atomic_ref<T>::is_always_lock_free);
    return std::atomic_ref<T>(field);
}
template <typename T>
T load(T &field)
{
    return shared(field).load(std::memory_order_acquire);
}
template <typename T>
void store(T &field, T value)
{
    shared(field).store(value, std::memory_order_release);
}

/// Bytes between the starts of the two slots: the capacity rounded up to whole pages.
std::uint64_t slotStrideFor(std::uint64_t capacity);
/// Total segment size for a capacity, or nullopt if it does not fit in 64 bits.
std::optional<std::uint64_t> segmentSizeFor(std::uint64_t capacity);
/// A fresh header for a segment of that capacity, never loaded.
SegmentHeader initialHeader(std::uint64_t capacity);

/// OtherVersion: a shm-tools header of an older format version (`problem` names it); a
/// version above ours is Corrupt (no newer format exists to name).
enum class HeaderCheck { Valid, Foreign, Corrupt, OtherVersion };
struct HeaderVerdict {
    HeaderCheck check;
    std::string problem; ///< empty when Valid
};
/// Checks a header copy against the segment's real size; never reads outside `header`.
HeaderVerdict checkHeader(const SegmentHeader &header, std::uint64_t segmentSize);

/// Copies `name` into a source field, shortening it with "..." if it is too long.
void setSourceName(SlotMeta &slot, const std::string &name);
/// The source field as a string (stops at the first NUL or the field's end).
std::string sourceName(const SlotMeta &slot);

/// Copies `text` into a fixed text field of `size` bytes, NUL-terminated, keeping its end.
void setText(char *field, std::size_t size, const std::string &text);
/// A fixed text field as a string (stops at the first NUL or the field's end).
std::string text(const char *field, std::size_t size);

} // namespace layout

} // namespace shmtools::detail
