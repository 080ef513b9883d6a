// SPDX-License-Identifier: BSD-3-Clause
#include "size_option.h"

#include <array>
#include <cctype>
#include <string_view>

namespace {

// 128 bits hold any whole part times any unit without overflow checks at each step.
__extension__ typedef unsigned __int128 Wide;

// The unit letters in order of their power: K = 1, M = 2, ...
constexpr std::string_view kUnitLetters = "KMGTPE";

// The multiplier of `unit` ("", "K", "KiB", "KB", ...), or 0 for a unit coreutils would refuse.
Wide multiplierOf(std::string_view unit)
{
    if (unit.empty())
        return 1;
    const auto power = kUnitLetters.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))));
    if (power == std::string_view::npos)
        return 0;
    // Lower-case letters are accepted alone ("64k"), as truncate does, and "kB", the SI kilobyte
    // as dd and SI write it; "kiB", "mb" and "mB" are not.
    const bool lower = std::islower(static_cast<unsigned char>(unit[0])) != 0;
    const std::string_view rest = unit.substr(1);
    unsigned base = 0;
    if (rest.empty())
        base = 1024;
    else if (rest == "iB" && !lower)
        base = 1024;
    else if (rest == "B" && (!lower || unit[0] == 'k'))
        base = 1000;
    else
        return 0;
    if (lower && unit[0] != 'k' && unit[0] != 'm' && unit[0] != 'g' && unit[0] != 't')
        return 0;
    Wide multiplier = 1;
    for (std::size_t i = 0; i <= power; ++i)
        multiplier *= base;
    return multiplier;
}

} // namespace

const char *acceptedSizeForms()
{
    return "a number of bytes with an optional unit: K, M, G, T or KiB, MiB, GiB, TiB (powers of 1024), "
           "KB (or kB), MB, GB, TB (powers of 1000); fractions like 1.5M are accepted";
}

shmtools::Result<std::uint64_t> parseSize(const std::string &text)
{
    const auto bad = [&](const std::string &why) {
        return shmtools::Error{shmtools::ErrorCode::Usage, "'" + text + "' " + why};
    };
    const auto notASize = [&] { return bad(std::string("is not a size; use ") + acceptedSizeForms()); };
    std::size_t at = 0;
    // Whole part, then an optional fraction; digits only (no sign, no exponent, no hex).
    Wide whole = 0;
    std::size_t wholeDigits = 0;
    constexpr Wide kLimit = Wide(1) << 65; // stops growth long before __int128 overflows
    for (; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++wholeDigits) {
        whole = whole * 10 + static_cast<unsigned>(text[at] - '0');
        if (whole > kLimit)
            return bad("is too large (at most 16 EiB - 1 byte)");
    }
    Wide fraction = 0, fractionScale = 1;
    std::size_t fractionDigits = 0;
    if (at < text.size() && text[at] == '.') {
        for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at, ++fractionDigits) {
            if (fractionDigits < 18) { // more decimals than that cannot matter below 2^64 bytes
                fraction = fraction * 10 + static_cast<unsigned>(text[at] - '0');
                fractionScale *= 10;
            }
        }
    }
    if (wholeDigits + fractionDigits == 0)
        return notASize();
    const Wide multiplier = multiplierOf(std::string_view(text).substr(at));
    if (multiplier == 0)
        return notASize();
    if (whole > Wide(UINT64_MAX) / multiplier)
        return bad("is too large (at most 16 EiB - 1 byte)");
    const Wide wholeBytes = whole * multiplier;
    const Wide fractionNumerator = fraction * multiplier;
    if (fractionNumerator % fractionScale != 0)
        return bad("is not a whole number of bytes");
    const Wide bytes = wholeBytes + fractionNumerator / fractionScale;
    if (bytes > Wide(UINT64_MAX))
        return bad("is too large (at most 16 EiB - 1 byte)");
    if (bytes == 0)
        return bad("is too small: the capacity must be at least 1 byte");
    return static_cast<std::uint64_t>(bytes);
}
