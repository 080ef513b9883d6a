#pragma once

// The segment format, defined once: a page-sized header, then two payload slots of `slotStride`
// bytes. Pure data: no Qt, no system calls. Every field has a fixed size and offset; the header
// is written only under the segment lock, except `changeCounter` (a futex word, atomic).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>

namespace layout {

inline constexpr char kMagic[8] = {'S', 'H', 'M', 'T', 'O', 'O', 'L', 'S'};
inline constexpr std::uint32_t kFormatVersion = 1;
inline constexpr std::size_t kHeaderSize = 4096;
inline constexpr std::size_t kPageSize = 4096;
inline constexpr std::size_t kSlotCount = 2;
inline constexpr std::size_t kSourceNameSize = 256;
inline constexpr std::size_t kMaxReaders = 64;
inline constexpr std::uint32_t kNoSlot = 0xffffffffu;

struct ProcessStamp {
    std::int32_t pid; ///< 0: empty
    std::uint32_t reserved;
    std::uint64_t startTime;
};

enum SlotState : std::uint32_t {
    SlotFree = 0,    ///< never written, or given up by a loader
    SlotWriting = 1, ///< claimed by `writer`, content incomplete
    SlotReady = 2,   ///< a complete version (the active one, or the one before it)
};

struct SlotMeta {
    std::uint32_t state;
    std::uint32_t reserved;
    std::uint64_t generation;
    std::uint64_t length;
    std::uint64_t checksum;
    std::int64_t loadedAtMs; ///< Unix time in milliseconds
    ProcessStamp writer;
    char source[kSourceNameSize]; ///< NUL-terminated, shortened if needed: metadata only
};

/// A reader's claim on a slot: a pinned slot is never overwritten.
struct ReaderPin {
    ProcessStamp reader;
    std::uint32_t slot;
    std::uint32_t reserved;
};

struct SegmentHeader {
    char magic[8];
    std::uint32_t formatVersion;
    std::uint32_t headerSize;
    std::uint64_t capacity;
    std::uint64_t slotStride;
    std::int64_t createdAtMs;
    ProcessStamp holder;
    /// The published version; changing it is the single store that commits a load.
    std::uint32_t activeSlot;
    /// Futex word, bumped on every change others may wait for (publish, unpin, release, stop).
    std::uint32_t changeCounter;
    SlotMeta slots[kSlotCount];
    ReaderPin pins[kMaxReaders];
};

static_assert(std::is_standard_layout_v<SegmentHeader>);
static_assert(std::is_trivially_copyable_v<SegmentHeader>);
static_assert(sizeof(SegmentHeader) <= kHeaderSize);
static_assert(offsetof(SegmentHeader, changeCounter) % 4 == 0);

/// Bytes between the starts of the two slots: the capacity rounded up to whole pages.
std::uint64_t slotStrideFor(std::uint64_t capacity);
/// Total segment size for a capacity, or nullopt if it does not fit in 64 bits.
std::optional<std::uint64_t> segmentSizeFor(std::uint64_t capacity);
/// A fresh header for a segment of that capacity, never loaded.
SegmentHeader initialHeader(std::uint64_t capacity);

enum class HeaderCheck { Valid, Foreign, Corrupt };
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

} // namespace layout
