#include "size_option.h"

#include "support/catch_compat.h"

TEST_CASE("parseSize accepts byte counts with binary units", "[size]")
{
    const auto [text, bytes] = GENERATE(table<std::string, std::uint64_t>({
        {"1", 1},
        {"4096", 4096},
        {"64K", 64 * 1024},
        {"64k", 64 * 1024},
        {"16M", 16ull << 20},
        {"16MiB", 16ull << 20},
        {"16MB", 16ull << 20}, // powers of 1024, as the README says
        {"1G", 1ull << 30},
        {"2T", 2ull << 40},
    }));
    const auto parsed = parseSize(text);
    INFO(text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == bytes);
}

TEST_CASE("parseSize refuses what is not a positive whole size", "[size]")
{
    const std::string text = GENERATE(as<std::string>{},
                                      "0",                     // an empty segment holds nothing
                                      "0K",                    // still zero
                                      "-1",                    // negative
                                      "-5M",                   // negative with a unit
                                      "abc",                   // no number
                                      "1.5M",                  // fractions of a unit are ambiguous
                                      "1.5Q",                  // unknown unit
                                      "12X",                   // unknown unit
                                      "",                      // nothing
                                      "17E",                   // overflows 64 bits
                                      "99999999999999999999"); // overflows 64 bits
    const auto parsed = parseSize(text);
    INFO(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == shmtools::ErrorCode::Usage);
    CHECK_THAT(parsed.error().message, Catch::Matchers::ContainsSubstring("invalid size"));
}
