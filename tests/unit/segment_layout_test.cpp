// SPDX-License-Identifier: BSD-3-Clause
#include "format/segment_layout.h"

#include "support/catch_compat.h"
#include <cstring>

using namespace shmtools::detail;

using namespace layout;

TEST_CASE("segment size: a header page and two page-rounded slots", "[layout]")
{
    CHECK(slotStrideFor(1) == 4096);
    CHECK(slotStrideFor(4096) == 4096);
    CHECK(slotStrideFor(4097) == 8192);
    CHECK(segmentSizeFor(16 << 20) == kHeaderSize + 2 * (16u << 20));
    CHECK_FALSE(segmentSizeFor(~std::uint64_t{0}).has_value());
    CHECK_FALSE(segmentSizeFor(std::uint64_t{1} << 63).has_value());
}

TEST_CASE("a fresh header is valid and never loaded", "[layout]")
{
    const SegmentHeader header = initialHeader(65536);
    const auto size = *segmentSizeFor(65536);
    CHECK(checkHeader(header, size).check == HeaderCheck::Valid);
    CHECK(header.activeSlot == kNoSlot);
    CHECK(header.formatVersion == kFormatVersion);
    SECTION("but not inside a segment too small for its capacity")
    {
        CHECK(checkHeader(header, size - 1).check == HeaderCheck::Corrupt);
    }
}

TEST_CASE("checkHeader classifies damaged headers", "[layout]")
{
    const std::uint64_t capacity = 8192;
    const auto size = *segmentSizeFor(capacity);
    SegmentHeader header = initialHeader(capacity);
    header.activeSlot = 0;
    header.slots[0].state = SlotReady;
    header.slots[0].length = 100;
    REQUIRE(checkHeader(header, size).check == HeaderCheck::Valid);

    SECTION("wrong magic means another program's segment")
    {
        header.magic[0] = 'X';
        CHECK(checkHeader(header, size).check == HeaderCheck::Foreign);
    }
    SECTION("unknown version")
    {
        header.formatVersion = 99;
        const auto verdict = checkHeader(header, size);
        CHECK(verdict.check == HeaderCheck::Corrupt);
        CHECK_THAT(verdict.problem, Catch::Matchers::ContainsSubstring("version 99"));
    }
    SECTION("an older version is named as such")
    {
        header.formatVersion = 1;
        const auto verdict = checkHeader(header, size);
        CHECK(verdict.check == HeaderCheck::OtherVersion);
        CHECK_THAT(verdict.problem, Catch::Matchers::ContainsSubstring("format version 1"));
    }
    SECTION("length beyond the capacity")
    {
        header.slots[0].length = capacity + 1;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("capacity beyond the segment")
    {
        header.capacity = capacity * 4;
        header.slotStride = slotStrideFor(header.capacity);
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("stride inconsistent with the capacity")
    {
        header.slotStride = 4096;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("active slot out of range")
    {
        header.activeSlot = 2;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("active slot still being written")
    {
        header.slots[0].state = SlotWriting;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("unknown slot state")
    {
        header.slots[1].state = 7;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
    SECTION("reader pin on a slot that does not exist")
    {
        header.pins[3].reader.token = std::uint64_t{1} << 33;
        header.pins[3].slot = 5;
        CHECK(checkHeader(header, size).check == HeaderCheck::Corrupt);
    }
}

TEST_CASE("source names are stored NUL-terminated and shortened from the front", "[layout]")
{
    SlotMeta slot{};
    setSourceName(slot, "/tmp/notes.txt");
    CHECK(sourceName(slot) == "/tmp/notes.txt");

    const std::string longName = std::string(400, 'd') + "/file.bin";
    setSourceName(slot, longName);
    const std::string stored = sourceName(slot);
    CHECK(stored.size() == kSourceNameSize - 1);
    CHECK(stored.rfind("...", 0) == 0);
    CHECK(stored.substr(stored.size() - 9) == "/file.bin");

    std::memset(slot.source, 'z', sizeof slot.source); // no terminator at all
    CHECK(sourceName(slot).size() == kSourceNameSize);
}
