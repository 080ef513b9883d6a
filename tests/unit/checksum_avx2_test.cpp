// SPDX-License-Identifier: BSD-3-Clause
// The AVX2 build of XXH3 (format/checksum_avx2), which checksum.cpp calls when the CPU has AVX2,
// against the portable XXH3 built here without -mavx2 (the SSE2 baseline of every x86-64): the
// same digests, one-shot and streamed, for random lengths, alignments and chunkings, and every
// length where XXH3 changes its method. SHM_XXH3_AVX2 comes from tests/unit/CMakeLists.txt, set
// exactly when src/lib/CMakeLists.txt builds checksum_avx2.cpp into the core.
#include "format/checksum.h"

#include "support/catch_compat.h"

#ifdef SHM_XXH3_AVX2
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "format/checksum_avx2.h"

#include <algorithm>
#include <random>
#include <sys/platform/x86.h>
#include <vector>

using namespace shmtools::detail;

namespace {

/// Random bytes with room to start anywhere in a 64-byte line.
std::vector<unsigned char> randomBytes(std::mt19937_64 &random, std::size_t length)
{
    std::vector<unsigned char> bytes(length + 64);
    for (unsigned char &byte : bytes)
        byte = static_cast<unsigned char>(random());
    return bytes;
}

/// The lengths around each of XXH3's changes of method (1-3, 4-8, 9-16, 17-128, 129-240 bytes,
/// then stripes of 64, blocks of 1024 and the streaming buffer of 256), and beyond.
std::vector<std::size_t> boundaryLengths()
{
    std::vector<std::size_t> lengths;
    for (const std::size_t edge : {0, 1, 3, 4, 8, 9, 16, 17, 64, 128, 129, 240, 241, 256, 512, 1024, 2048, 4096, 65536})
        for (const std::size_t near : {edge, edge + 1, edge > 0 ? edge - 1 : 0})
            lengths.push_back(near);
    return lengths;
}

} // namespace

TEST_CASE("checksum AVX2: the same digest as the portable XXH3, one-shot, at any length and alignment",
          "[checksum][avx2]")
{
    if (!CPU_FEATURE_ACTIVE(AVX2))
        SKIP("this CPU (or its kernel) has no AVX2: the core never calls the AVX2 build here");
    std::mt19937_64 random(Catch::getSeed());
    std::vector<std::size_t> lengths = boundaryLengths();
    for (int i = 0; i < 300; ++i)
        lengths.push_back(random() % 20000);
    for (const std::size_t length : lengths) {
        const std::vector<unsigned char> bytes = randomBytes(random, length);
        const std::size_t offset = random() % 64;
        const unsigned char *data = bytes.data() + offset;
        INFO("length " << length << " at offset " << offset << " (seed " << Catch::getSeed() << ")");
        const std::uint64_t portable = XXH3_64bits(data, length);
        CHECK(xxh3Avx2(data, length) == portable);
        CHECK(Checksum::of(data, length) == portable); // which dispatches to it on this CPU
    }
}

TEST_CASE("checksum AVX2: streamed in any chunks, the same digest as the portable XXH3 of the whole",
          "[checksum][avx2]")
{
    if (!CPU_FEATURE_ACTIVE(AVX2))
        SKIP("this CPU (or its kernel) has no AVX2: the core never calls the AVX2 build here");
    std::mt19937_64 random(Catch::getSeed());
    for (int round = 0; round < 100; ++round) {
        const std::size_t length = random() % 50000;
        const std::vector<unsigned char> bytes = randomBytes(random, length);
        const unsigned char *data = bytes.data() + random() % 64;
        const std::size_t largest = 1 + random() % 3000;
        INFO("length " << length << ", chunks up to " << largest << " (seed " << Catch::getSeed() << ")");
        // As Checksum does it: reset and digest here, every update through the AVX2 build.
        XXH3_state_t state;
        XXH3_64bits_reset(&state);
        Checksum streamed;
        for (std::size_t done = 0; done < length;) {
            const std::size_t chunk = std::min<std::size_t>(length - done, 1 + random() % largest);
            xxh3UpdateAvx2(&state, data + done, chunk);
            streamed.update(data + done, chunk);
            done += chunk;
        }
        const std::uint64_t portable = XXH3_64bits(data, length);
        CHECK(XXH3_64bits_digest(&state) == portable);
        CHECK(streamed.digest() == portable);
    }
}

#else

TEST_CASE("checksum AVX2: not built for this target", "[checksum][avx2]")
{
    SKIP("not an x86-64 build: src/lib/CMakeLists.txt builds no AVX2 XXH3, and XXH3 picks its vectors at "
         "compile time");
}

#endif
