// SPDX-License-Identifier: BSD-3-Clause
// A few hundred random and mutated headers written into a live segment, each followed by a
// real shm-read (and now and then a shm-load): exit 8 for a header that is not sound, exit 3
// for a sound one whose holder stamp names a dead process, and never a signal, a hang, or a
// byte on stdout. The unit test tests/unit/header_fuzz_test.cpp covers the decoder itself.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "sys/process_identity.h"

#include <QJsonDocument>

#include "support/catch_compat.h"

#include <cstring>
#include <iostream>
#include <random>

using namespace shmtools::detail;

using namespace shmtest;
using namespace layout;

namespace {

constexpr int kRounds = 300;
// The sanitizer build may not get through all of them in reasonable time; it does what fits.
constexpr double kBudgetSeconds = 40;
constexpr int kMinimumRounds = 100;

using Engine = std::mt19937_64;

std::uint64_t pick(Engine &random, std::uint64_t below)
{
    return std::uniform_int_distribution<std::uint64_t>(0, below - 1)(random);
}

const std::uint64_t kInteresting[] = {0,
                                      1,
                                      2,
                                      3,
                                      4095,
                                      4096,
                                      4097,
                                      65535,
                                      65536,
                                      65537,
                                      0x7fffffffull,
                                      0xffffffffull,
                                      1ull << 40,
                                      0x7fffffffffffffffull,
                                      ~0ull};

std::uint64_t interesting(Engine &random)
{
    return kInteresting[pick(random, std::size(kInteresting))];
}

/// One random change to a field the decoder checks, or to any byte outside the holder stamp
/// (whose damage the liveness check answers, with exit 3; see the dead-holder rounds).
void mutate(SegmentHeader &h, Engine &random)
{
    SlotMeta &slot = h.slots[pick(random, kSlotCount)];
    ReaderPin &pin = h.pins[pick(random, kMaxReaders)];
    switch (pick(random, 12)) {
    case 0: h.magic[pick(random, sizeof h.magic)] = static_cast<char>(random()); break;
    case 1: h.formatVersion = static_cast<std::uint32_t>(interesting(random)); break;
    case 2: h.headerSize = static_cast<std::uint32_t>(interesting(random)); break;
    case 3: h.capacity = interesting(random); break;
    case 4:
        h.capacity = interesting(random);
        h.slotStride = slotStrideFor(h.capacity);
        break;
    case 5: h.slotStride = interesting(random); break;
    case 6: h.activeSlot = static_cast<std::uint32_t>(pick(random, 2) ? interesting(random) : pick(random, 4)); break;
    case 7: slot.state = static_cast<std::uint32_t>(pick(random, 2) ? interesting(random) : pick(random, 4)); break;
    case 8: slot.length = pick(random, 2) ? interesting(random) : h.capacity + pick(random, 3); break;
    case 9:
        pin.reader.pid = static_cast<std::int32_t>(pick(random, 1 << 22));
        pin.slot = static_cast<std::uint32_t>(interesting(random));
        break;
    default: {
        // Any byte but the holder stamp's.
        auto *bytes = reinterpret_cast<unsigned char *>(&h);
        const std::size_t stampBegin = offsetof(SegmentHeader, holder);
        const std::size_t stampEnd = stampBegin + sizeof h.holder;
        std::size_t at = pick(random, sizeof h - sizeof h.holder);
        if (at >= stampBegin)
            at += stampEnd - stampBegin;
        bytes[at] = static_cast<unsigned char>(random());
        break;
    }
    }
}

/// A change that no sound header survives, for when random ones happened to leave it sound.
void breakSurely(SegmentHeader &h, Engine &random)
{
    switch (pick(random, 4)) {
    case 0: h.magic[0] ^= 0x20; break;
    case 1: h.formatVersion = kFormatVersion + 1 + static_cast<std::uint32_t>(pick(random, 1000)); break;
    case 2: h.activeSlot = kSlotCount + static_cast<std::uint32_t>(pick(random, 1000)); break;
    default: h.slots[pick(random, kSlotCount)].length = h.capacity + 1 + pick(random, 1000); break;
    }
}

struct Expectation {
    int exit;
    const char *fragment;
};

/// RESULT ended as EXPECTED: no signal, no hang, nothing on stdout, one line naming the cause.
bool checkRun(const ProcessResult &result, const Expectation &expected)
{
    const bool ok = result.exited(expected.exit) && result.out.empty() && isOneLine(result.err) &&
                    result.err.find(expected.fragment) != std::string::npos;
    if (!ok) {
        INFO(describe(result));
        CHECK_FALSE(result.timedOut);
        CHECK(result.termSignal == 0);
        CHECK(result.exited(expected.exit));
        CHECK(result.out.empty());
        CHECK(isOneLine(result.err));
        CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring(expected.fragment));
    }
    return ok;
}

} // namespace

TEST_CASE("shm-read and shm-load meet hundreds of damaged headers with exit 8 or 3, never a crash", "[corrupt][fuzz]")
{
    const std::string key = uniqueKey("headerfuzz");
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string old = randomBytes(30000);
    REQUIRE_EXIT(loadStdin(key, old), 0);
    LiveSegment segment(key);
    const SegmentHeader good = segment.header();
    REQUIRE(checkHeader(good, segment.size()).check == HeaderCheck::Valid);
    ScratchDir scratch;
    const std::string loadFile = scratch.write("load.bin", "must never be loaded");

    Engine random(Catch::getSeed());
    int rounds = 0, runs = 0, foreign = 0, corrupt = 0, deadHolder = 0, oddMetadata = 0, loads = 0, failures = 0;
    const double start = now();
    for (; rounds < kRounds && (rounds < kMinimumRounds || now() - start < kBudgetSeconds); ++rounds) {
        CAPTURE(rounds);
        SegmentHeader bad = good;
        Expectation expected{8, "corrupt"};
        const std::uint64_t kind = pick(random, 10);
        if (kind == 0) {
            // Sound, but the holder it names is gone: records name participants by token, so
            // the token decides (format version 3), whatever PID sits beside it.
            switch (pick(random, 4)) {
            case 0: bad.holder.token = 0; break;
            case 1: bad.holder.token += 1 + pick(random, 1000); break; // a token nobody holds
            case 2: bad.holder.token = (std::uint64_t{1} << 32) + random() % (std::uint64_t{1} << 61); break;
            default: bad.holder.token = pick(random, std::uint64_t{1} << 32); break; // no token at all
            }
            if (pick(random, 2) == 0)
                bad.holder.pid = pick(random, 2) ? deadPid() : ::getpid(); // the PID decides nothing
            expected = {3, "not running"};
            ++deadHolder;
        } else if (kind == 1) {
            // Sound, with metadata nobody would write: the payload no longer matches it.
            SlotMeta &active = bad.slots[bad.activeSlot];
            for (char &c : active.source)
                c = static_cast<char>(random());
            active.loadedAtMs = static_cast<std::int64_t>(random());
            active.generation = random();
            active.checksum = random();
            active.writer.pid = static_cast<std::int32_t>(random());
            bad.createdAtMs = static_cast<std::int64_t>(random());
            expected = {8, "checksum mismatch"};
            ++oddMetadata;
        } else {
            // Damaged: random changes until the header is unsound for certain.
            for (int m = 1 + static_cast<int>(pick(random, 3)); m > 0; --m)
                mutate(bad, random);
            if (checkHeader(bad, segment.size()).check == HeaderCheck::Valid)
                breakSurely(bad, random);
            const HeaderCheck verdict = checkHeader(bad, segment.size()).check;
            REQUIRE(verdict != HeaderCheck::Valid);
            if (verdict == HeaderCheck::Foreign) {
                expected = {8, "header was overwritten"}; // the holder's mark on the key file survives
                ++foreign;
            } else {
                ++corrupt;
            }
        }
        segment.setHeader(bad);

        failures += !checkRun(run(Tool::Read, {"-k", key, "-t", "5"}), expected);
        ++runs;
        if (kind == 1) {
            runs += 2;
            // Whatever the metadata, --json stays one valid JSON object and --info prints.
            const ProcessResult json = run(Tool::Read, {"-k", key, "-t", "5", "--json"});
            INFO(describe(json));
            CHECK(json.exited(0));
            CHECK(QJsonDocument::fromJson(QByteArray::fromStdString(json.out)).isObject());
            CHECK(run(Tool::Read, {"-k", key, "-t", "5", "--info"}).exited(0));
        } else if (rounds % 5 == 0) {
            ++loads;
            ++runs;
            failures += !checkRun(run(Tool::Load, {"-k", key, "-t", "5", loadFile}), expected);
        }
        segment.setHeader(good);
        if (rounds % 50 == 0) {
            const ProcessResult read = readContent(key, {"-t", "5"});
            CHECK_EXIT(read, 0);
            CHECK(read.out == old);
        }
    }
    std::cout << "header fuzz: " << rounds << " damaged headers in a live segment, " << runs << " tool runs (" << loads
              << " of them shm-load): " << foreign << " foreign (exit 8), " << corrupt << " corrupt (exit 8), "
              << oddMetadata << " with absurd metadata (exit 8, checksum), " << deadHolder
              << " with a dead holder (exit 3); " << failures << " not as expected, 0 crashes allowed" << std::endl;
    CHECK(failures == 0);
    CHECK(rounds >= kMinimumRounds);

    // The segment still holds its version, and a load still works.
    const ProcessResult read = readContent(key, {"-t", "5"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == old);
    CHECK(readJson(key).value("generation").toInteger() == 1);
    CHECK_EXIT(loadStdin(key, "after the storm", {"-t", "5"}), 0);
    CHECK(readContent(key).out == "after the storm");

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
