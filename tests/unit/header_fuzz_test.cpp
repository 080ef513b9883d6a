// SPDX-License-Identifier: BSD-3-Clause
// The header decoder under fire: many random and mutated headers against checkHeader. It must
// never crash or read outside the header (each copy lives in a heap block of exactly its size,
// so the sanitizer build catches any stray read), always return a verdict, and its verdict must
// agree with an independent statement of what makes a header safe to use.
//
// Reproduce a failure with the seed Catch prints: shm_unit_tests --rng-seed N "[fuzz]".

#include "protocol/segment.h"
#include "format/segment_layout.h"

#include "support/catch_compat.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>

using namespace shmtools::detail;
using shmtools::VersionInfo;

using namespace layout;

namespace {

using Engine = std::mt19937_64;
// Wide enough that no sum or product of header fields can overflow.
__extension__ typedef unsigned __int128 Wide;

// Values around every boundary the decoder must respect.
const std::uint64_t kInteresting[] = {
    0,
    1,
    2,
    3,
    7,
    4095,
    4096,
    4097,
    8191,
    8192,
    65535,
    65536,
    0x7fffffffull,
    0x80000000ull,
    0xfffffffeull,
    0xffffffffull,
    0x100000000ull,
    1ull << 40,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    ~0ull - 4096,
    ~0ull - 1,
    ~0ull,
};

std::uint64_t pick(Engine &random, std::uint64_t below)
{
    return std::uniform_int_distribution<std::uint64_t>(0, below - 1)(random);
}

std::uint64_t interesting(Engine &random)
{
    return kInteresting[pick(random, std::size(kInteresting))];
}

/// What the decoder has to establish, said independently: a header is usable exactly when it
/// is ours, of this version, its slots lie inside the segment, and every index it holds is in
/// range. (Arithmetic in 128 bits, so that no overflow can make a bad header look good.)
bool safeToUse(const SegmentHeader &h, std::uint64_t segmentSize)
{
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.formatVersion != kFormatVersion ||
        h.headerSize != kHeaderSize || h.capacity == 0)
        return false;
    const Wide stride = (static_cast<Wide>(h.capacity) + kPageSize - 1) / kPageSize * kPageSize;
    if (h.slotStride != stride || kHeaderSize + kSlotCount * stride > segmentSize)
        return false;
    // The format also refuses, by design, capacities whose segment would come within a page of
    // 2^64 bytes (no machine has them); rejecting those is conservative, not unsafe.
    if (h.capacity > (~std::uint64_t{0} - kHeaderSize) / kSlotCount - kPageSize)
        return false;
    for (const SlotMeta &slot : h.slots)
        if (slot.state > SlotReady || slot.length > h.capacity)
            return false;
    if (h.activeSlot != kNoSlot && (h.activeSlot >= kSlotCount || h.slots[h.activeSlot].state != SlotReady))
        return false;
    for (const ReaderPin &pin : h.pins)
        if (pin.reader.token != 0 && pin.slot >= kSlotCount)
            return false;
    return true;
}

/// A plausible live header: some capacity, maybe a published version, pins, source names.
SegmentHeader validHeader(Engine &random, std::uint64_t &segmentSize)
{
    const std::uint64_t capacity = 1 + pick(random, pick(random, 2) ? 1u << 20 : 10000);
    SegmentHeader h = initialHeader(capacity);
    segmentSize = *segmentSizeFor(capacity);
    h.holder = {static_cast<std::int32_t>(1 + pick(random, 1 << 22)), 0, pick(random, 1u << 31), random()};
    if (pick(random, 4) != 0) {
        h.activeSlot = static_cast<std::uint32_t>(pick(random, kSlotCount));
        for (std::uint32_t s = 0; s < kSlotCount; ++s) {
            SlotMeta &slot = h.slots[s];
            slot.state = s == h.activeSlot ? SlotReady : static_cast<std::uint32_t>(pick(random, 3));
            slot.length = pick(random, capacity + 1);
            slot.generation = pick(random, 1000);
            slot.checksum = random();
            slot.writer = {static_cast<std::int32_t>(pick(random, 1 << 22)), 0, random(), random()};
            setSourceName(slot, std::string(pick(random, 400), 'a' + static_cast<char>(pick(random, 26))));
        }
    }
    for (ReaderPin &pin : h.pins)
        if (pick(random, 8) == 0)
            pin = {{static_cast<std::int32_t>(1 + pick(random, 1 << 22)), 0, 1 + pick(random, ~0ull - 1), random()},
                   static_cast<std::uint32_t>(pick(random, kSlotCount)),
                   0};
    return h;
}

/// Changes one thing: a field to a boundary value, a random byte, or a bit.
void mutate(SegmentHeader &h, Engine &random)
{
    auto *bytes = reinterpret_cast<unsigned char *>(&h);
    SlotMeta &slot = h.slots[pick(random, kSlotCount)];
    ReaderPin &pin = h.pins[pick(random, kMaxReaders)];
    const auto u32 = [&] { return static_cast<std::uint32_t>(interesting(random)); };
    switch (pick(random, 16)) {
    case 0: h.magic[pick(random, sizeof h.magic)] = static_cast<char>(random()); break;
    case 1: h.formatVersion = u32(); break;
    case 2: h.headerSize = u32(); break;
    case 3: h.capacity = interesting(random); break;
    case 4: h.slotStride = interesting(random); break;
    case 5: // a capacity with its matching stride: only the segment size can catch it
        h.capacity = interesting(random);
        h.slotStride = slotStrideFor(h.capacity);
        break;
    case 6: h.activeSlot = pick(random, 2) ? u32() : static_cast<std::uint32_t>(pick(random, 4)); break;
    case 7: slot.state = pick(random, 2) ? u32() : static_cast<std::uint32_t>(pick(random, 4)); break;
    case 8: slot.length = pick(random, 2) ? interesting(random) : h.capacity + pick(random, 3) - 1; break;
    case 9: pin.reader.token = interesting(random); break;
    case 10: pin.slot = u32(); break;
    case 11: std::memset(slot.source, static_cast<int>(random()), sizeof slot.source); break;
    case 12: bytes[pick(random, sizeof h)] ^= static_cast<unsigned char>(1u << pick(random, 8)); break;
    default: bytes[pick(random, sizeof h)] = static_cast<unsigned char>(random()); break;
    }
}

std::uint64_t segmentSizeVariant(Engine &random, std::uint64_t exact)
{
    switch (pick(random, 6)) {
    case 0: return exact - 1;
    case 1: return exact + pick(random, 3 * kPageSize);
    case 2: return interesting(random);
    case 3: return pick(random, exact + 1);
    default: return exact;
    }
}

struct Tally {
    long valid = 0, foreign = 0, corrupt = 0;
};

/// Decodes a copy of H held in a heap block of exactly its size, and checks the verdict.
void checkOne(const SegmentHeader &h, std::uint64_t segmentSize, Tally &tally)
{
    const auto copy = std::make_unique<SegmentHeader>(h);
    const HeaderVerdict verdict = checkHeader(*copy, segmentSize);
    const bool safe = safeToUse(h, segmentSize);
    const bool ours = std::memcmp(h.magic, kMagic, sizeof kMagic) == 0;
    switch (verdict.check) {
    case HeaderCheck::Valid: ++tally.valid; break;
    case HeaderCheck::Foreign: ++tally.foreign; break;
    case HeaderCheck::Corrupt:
    case HeaderCheck::OtherVersion: ++tally.corrupt; break;
    default: FAIL("checkHeader returned no known verdict: " << static_cast<int>(verdict.check));
    }
    // Cheap checks first; Catch assertions are costly in a loop of this size.
    const bool agrees = (verdict.check == HeaderCheck::Valid) == safe &&
                        (verdict.check == HeaderCheck::Foreign) == !ours &&
                        verdict.problem.empty() == (verdict.check == HeaderCheck::Valid);
    if (!agrees) {
        INFO("segment size " << segmentSize << ", capacity " << h.capacity << ", stride " << h.slotStride
                             << ", version " << h.formatVersion << ", header size " << h.headerSize << ", active slot "
                             << h.activeSlot << ", problem: " << verdict.problem);
        CHECK((verdict.check == HeaderCheck::Valid) == safe);
        CHECK((verdict.check == HeaderCheck::Foreign) == !ours);
        CHECK(verdict.problem.empty() == (verdict.check == HeaderCheck::Valid));
    }
    if (verdict.check != HeaderCheck::Valid)
        return;
    // What a reader does with a valid header stays inside the segment and the header.
    const VersionInfo latest = latestVersion(*copy);
    if (copy->activeSlot != kNoSlot) {
        const Wide end = kHeaderSize + static_cast<Wide>(copy->activeSlot) * copy->slotStride + latest.length;
        if (end > segmentSize || latest.length > copy->capacity)
            FAIL("a valid header's active version ends at " << static_cast<std::uint64_t>(end)
                                                            << ", beyond the segment of " << segmentSize);
    }
    for (const SlotMeta &slot : copy->slots)
        if (sourceName(slot).size() > kSourceNameSize)
            FAIL("a source name longer than its field");
}

} // namespace

TEST_CASE("fuzz: checkHeader gives a sound verdict on any header, never reading outside it", "[layout][fuzz]")
{
    Engine random(Catch::getSeed());
    Tally tally;

    SECTION("entirely random bytes, with and without our magic")
    {
        for (int i = 0; i < 20000; ++i) {
            SegmentHeader h;
            auto *bytes = reinterpret_cast<unsigned char *>(&h);
            for (std::size_t at = 0; at < sizeof h; at += sizeof(std::uint64_t)) {
                const std::uint64_t word = random();
                std::memcpy(bytes + at, &word, std::min(sizeof word, sizeof h - at));
            }
            if (i % 2) {
                std::memcpy(h.magic, kMagic, sizeof kMagic);
                if (i % 4 == 1) {
                    h.formatVersion = kFormatVersion;
                    h.headerSize = kHeaderSize;
                }
            }
            checkOne(h, pick(random, 2) ? interesting(random) : random(), tally);
        }
        CHECK(tally.foreign > 0);
        CHECK(tally.corrupt > 0);
    }
    SECTION("valid headers with a few mutations, in segments of various sizes")
    {
        for (int i = 0; i < 100000; ++i) {
            std::uint64_t exact = 0;
            SegmentHeader h = validHeader(random, exact);
            const int mutations = static_cast<int>(pick(random, 5)); // 0: the valid header itself
            for (int m = 0; m < mutations; ++m)
                mutate(h, random);
            checkOne(h, mutations == 0 ? exact : segmentSizeVariant(random, exact), tally);
        }
        // Every kind of verdict was reached, so the mutations exercised the whole decoder.
        CHECK(tally.valid > 1000);
        CHECK(tally.foreign > 1000);
        CHECK(tally.corrupt > 1000);
    }
    SECTION("every single field at every boundary value")
    {
        std::uint64_t exact = 0;
        const SegmentHeader base = validHeader(random, exact);
        for (const std::uint64_t value : kInteresting) {
            for (int field = 0; field < 9; ++field) {
                SegmentHeader h = base;
                switch (field) {
                case 0: h.formatVersion = static_cast<std::uint32_t>(value); break;
                case 1: h.headerSize = static_cast<std::uint32_t>(value); break;
                case 2: h.capacity = value; break;
                case 3: h.capacity = value, h.slotStride = slotStrideFor(value); break;
                case 4: h.activeSlot = static_cast<std::uint32_t>(value); break;
                case 5: h.slots[0].state = static_cast<std::uint32_t>(value); break;
                case 6: h.slots[1].length = value; break;
                case 7: h.pins[kMaxReaders - 1] = {{1, 0, 1, 0}, static_cast<std::uint32_t>(value), 0}; break;
                case 8: h.slotStride = value; break;
                }
                for (const std::uint64_t size : kInteresting)
                    checkOne(h, size, tally);
                checkOne(h, exact, tally);
            }
        }
    }
    INFO("verdicts: " << tally.valid << " valid, " << tally.foreign << " foreign, " << tally.corrupt << " corrupt");
    CHECK(tally.valid + tally.foreign + tally.corrupt > 0);
}

TEST_CASE("fuzz: source names of any content are bounded and survive a round trip", "[layout][fuzz]")
{
    Engine random(Catch::getSeed());
    for (int i = 0; i < 5000; ++i) {
        std::string name(pick(random, 2 * kSourceNameSize), '\0');
        for (char &c : name)
            c = static_cast<char>(1 + pick(random, 255)); // no NUL: it would end the name
        auto slot = std::make_unique<SlotMeta>();
        std::memset(slot.get(), 0xa5, sizeof *slot);
        setSourceName(*slot, name);
        const std::string stored = sourceName(*slot);
        CHECK(stored.size() < kSourceNameSize);
        if (name.size() < kSourceNameSize)
            CHECK(stored == name);
        else
            CHECK(stored.substr(3) == name.substr(name.size() - stored.size() + 3));
    }
}
