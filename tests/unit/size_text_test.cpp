// SPDX-License-Identifier: BSD-3-Clause
#include "base/size_text.h"

#include "support/catch_compat.h"

using namespace shmtools::detail;

TEST_CASE("formatSize is readable", "[size]")
{
    CHECK(formatSize(0) == "0 bytes");
    CHECK(formatSize(1) == "1 byte");
    CHECK(formatSize(1023) == "1023 bytes");
    CHECK(formatSize(16ull << 20) == "16.0 MiB");
    CHECK(formatSize(1536) == "1.5 KiB");
    CHECK(formatSize(8ull << 60) == "8.0 EiB"); // past qint64, which QLocale takes
    CHECK(formatSize(~0ull) == "16.0 EiB");
}
