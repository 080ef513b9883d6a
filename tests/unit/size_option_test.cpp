// SPDX-License-Identifier: BSD-3-Clause
// Sizes as coreutils reads them (truncate -s, dd, head -c): K/M/G/T and KiB/MiB... are powers of
// 1024, KB (and kB)/MB/GB... powers of 1000, fractions are accepted when they come to whole bytes.
#include "size_option.h"

#include "support/catch_compat.h"

TEST_CASE("parseSize accepts byte counts with coreutils units", "[size]")
{
    const auto [text, bytes] = GENERATE(table<std::string, std::uint64_t>({
        {"1", 1},
        {"4096", 4096},
        {"64K", 64 * 1024},
        {"64k", 64 * 1024},
        {"16M", 16ull << 20},
        {"16m", 16ull << 20},
        {"16MiB", 16ull << 20},
        {"16MB", 16'000'000},      // powers of 1000, as `truncate -s 16MB` makes
        {"10KB", 10'000},
        {"10kB", 10'000},          // the SI kilobyte as dd and SI write it
        {"1.5kB", 1500},
        {"1.5M", 3ull << 19},      // a fraction of a unit that comes to whole bytes
        {"0.5K", 512},
        {"1.5KB", 1500},
        {"1G", 1ull << 30},
        {"1GB", 1'000'000'000},
        {"2T", 2ull << 40},
        {"2TiB", 2ull << 40},
        {"15E", 15ull << 60},      // the largest whole number of EiB below 2^64
        {"18446744073709551615", UINT64_MAX},
    }));
    const auto parsed = parseSize(text);
    INFO(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == bytes);
}

TEST_CASE("parseSize refuses what is not a positive whole size, naming the accepted forms", "[size]")
{
    const auto [text, why] = GENERATE(table<std::string, std::string>({
        {"0", "at least 1 byte"},                    // an empty segment holds nothing
        {"0K", "at least 1 byte"},                   // still zero
        {"-1", "not a size"},                        // negative
        {"-5M", "not a size"},                       // negative with a unit
        {"abc", "not a size"},                       // no number
        {"1e", "not a size"},                        // not an exponent, not an exbibyte
        {"1e6", "not a size"},                       // no exponents, as in coreutils
        {"10Q", "not a size"},                       // unknown unit
        {"12X", "not a size"},                       // unknown unit
        {"16mb", "not a size"},                      // lower-case only for a lone letter, and kB
        {"16mB", "not a size"},                      // kB is the one lower-case unit with B
        {"16kiB", "not a size"},                     // KiB is written with a capital K
        {"16KiBB", "not a size"},                    // trailing garbage
        {".", "not a size"},                         // no digits
        {"", "not a size"},                          // nothing
        {"1.1K", "not a whole number of bytes"},     // 1126.4 bytes
        {"0.3", "not a whole number of bytes"},      // a fraction of a byte
        {"16E", "too large"},                        // 2^64
        {"99999999999999999999", "too large"},       // overflows 64 bits
        {"99999999999999999999999999T", "too large"} // would overflow even 128 bits
    }));
    const auto parsed = parseSize(text);
    INFO(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == shmtools::ErrorCode::Usage);
    CHECK_THAT(parsed.error().message, Catch::Matchers::ContainsSubstring("'" + text + "'") &&
                                           Catch::Matchers::ContainsSubstring(why));
    if (why == "not a size")
        CHECK_THAT(parsed.error().message, Catch::Matchers::ContainsSubstring("KiB") &&
                                               Catch::Matchers::ContainsSubstring("KB") &&
                                               Catch::Matchers::ContainsSubstring("kB") &&
                                               Catch::Matchers::ContainsSubstring("1.5M"));
}
