// SPDX-License-Identifier: BSD-3-Clause
#include "format/segment_layout.h"

#include <algorithm>
#include <cstring>

namespace shmtools::detail {

namespace layout {

std::uint64_t slotStrideFor(std::uint64_t capacity)
{
    return (capacity + kPageSize - 1) / kPageSize * kPageSize;
}

std::optional<std::uint64_t> segmentSizeFor(std::uint64_t capacity)
{
    constexpr std::uint64_t limit = ~std::uint64_t{0};
    if (capacity > (limit - kHeaderSize) / kSlotCount - kPageSize)
        return std::nullopt;
    return kHeaderSize + kSlotCount * slotStrideFor(capacity);
}

SegmentHeader initialHeader(std::uint64_t capacity)
{
    SegmentHeader header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.formatVersion = kFormatVersion;
    header.headerSize = kHeaderSize;
    header.capacity = capacity;
    header.slotStride = slotStrideFor(capacity);
    header.activeSlot = kNoSlot;
    return header;
}

HeaderVerdict checkHeader(const SegmentHeader &header, std::uint64_t segmentSize)
{
    if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
        return {HeaderCheck::Foreign, "no shm-tools header (magic)"};
    const auto corrupt = [](std::string why) { return HeaderVerdict{HeaderCheck::Corrupt, std::move(why)}; };
    if (header.formatVersion != 0 && header.formatVersion < kFormatVersion)
        return {HeaderCheck::OtherVersion, "format version " + std::to_string(header.formatVersion) +
                                               " (this build reads version " + std::to_string(kFormatVersion) + ")"};
    if (header.formatVersion != kFormatVersion)
        return corrupt("unsupported format version " + std::to_string(header.formatVersion) +
                       " (this build reads version " + std::to_string(kFormatVersion) + ")");
    if (header.headerSize != kHeaderSize)
        return corrupt("header size " + std::to_string(header.headerSize));
    const auto expectedSize = segmentSizeFor(header.capacity);
    if (header.capacity == 0 || !expectedSize || header.slotStride != slotStrideFor(header.capacity) ||
        *expectedSize > segmentSize)
        return corrupt("capacity " + std::to_string(header.capacity) + " does not match the segment size " +
                       std::to_string(segmentSize));
    if (header.activeSlot != kNoSlot && header.activeSlot >= kSlotCount)
        return corrupt("active slot " + std::to_string(header.activeSlot));
    for (const SlotMeta &slot : header.slots) {
        if (slot.state > SlotReady)
            return corrupt("slot state " + std::to_string(slot.state));
        if (slot.length > header.capacity)
            return corrupt("length " + std::to_string(slot.length) + " exceeds the capacity " +
                           std::to_string(header.capacity));
    }
    if (header.activeSlot != kNoSlot && header.slots[header.activeSlot].state != SlotReady)
        return corrupt("the active slot is not complete");
    for (const ReaderPin &pin : header.pins)
        if (pin.reader.token != 0 && pin.slot >= kSlotCount)
            return corrupt("reader pin on slot " + std::to_string(pin.slot));
    return {HeaderCheck::Valid, {}};
}

void setText(char *field, std::size_t size, const std::string &value)
{
    std::memset(field, 0, size);
    if (value.size() < size) {
        std::memcpy(field, value.data(), value.size());
        return;
    }
    // Keep the end of a long path: the file name is the informative part.
    const std::size_t keep = size - 4;
    std::memcpy(field, "...", 3);
    std::memcpy(field + 3, value.data() + value.size() - keep, keep);
}

std::string text(const char *field, std::size_t size)
{
    return std::string(field, std::find(field, field + size, '\0'));
}

void setSourceName(SlotMeta &slot, const std::string &name)
{
    setText(slot.source, sizeof slot.source, name);
}

std::string sourceName(const SlotMeta &slot)
{
    return text(slot.source, sizeof slot.source);
}

} // namespace layout

} // namespace shmtools::detail
