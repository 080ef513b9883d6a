// SPDX-License-Identifier: BSD-3-Clause
#include "base/checksum_text.h"

#include "support/catch_compat.h"

using namespace shmtools::detail;

TEST_CASE("a checksum is shown with its algorithm and all 16 hex digits", "[checksum]")
{
    CHECK(formatChecksum(0x2d06800538d394c2ull) == "xxh3:2d06800538d394c2");
    CHECK(formatChecksum(0) == "xxh3:0000000000000000"); // leading zeros kept: a fixed width
    CHECK(formatChecksum(~0ull) == "xxh3:ffffffffffffffff");
}
