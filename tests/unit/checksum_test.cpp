// SPDX-License-Identifier: BSD-3-Clause
#include "format/checksum.h"

#include "support/catch_compat.h"
#include <random>
#include <string>

using namespace shmtools::detail;

TEST_CASE("streamed checksum equals the one-shot checksum, whatever the chunking", "[checksum]")
{
    std::mt19937_64 random(42);
    std::string data(1 << 20, '\0');
    for (char &c : data)
        c = static_cast<char>(random());
    const std::size_t chunk = GENERATE(1, 7, 4096, 65537, 1 << 20);
    Checksum streamed;
    for (std::size_t offset = 0; offset < data.size(); offset += chunk)
        streamed.update(data.data() + offset, std::min(chunk, data.size() - offset));
    CHECK(streamed.digest() == Checksum::of(data.data(), data.size()));
}

TEST_CASE("checksum detects a single flipped bit and a NUL-only difference", "[checksum]")
{
    std::string a(4096, 'x');
    std::string b = a;
    b[2048] ^= 1;
    CHECK(Checksum::of(a.data(), a.size()) != Checksum::of(b.data(), b.size()));
    const std::string nul1("\0", 1), nul2("\0\0", 2);
    CHECK(Checksum::of(nul1.data(), 1) != Checksum::of(nul2.data(), 2));
}

TEST_CASE("checksum of empty content is XXH3-64's, streamed or one-shot", "[checksum]")
{
    Checksum empty;
    CHECK(empty.digest() == Checksum::of(nullptr, 0));
    // XXH3-64 of no bytes, from the xxHash reference.
    CHECK(empty.digest() == 0x2d06800538d394c2ull);
}
