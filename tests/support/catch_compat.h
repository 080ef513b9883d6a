// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// Catch2 v3 (Debian 13 trixie) and v2 (Debian 12 bookworm) behind one include. Every test file
// includes this header, never Catch2's own, and writes the v3 spelling: the few names v2 lacks
// are defined below in terms of v2's. tests/CMakeLists.txt sets SHM_CATCH2_V3 from the Catch2
// that find_package found, so a stray other Catch2 on the include path cannot pick the branch.

#ifdef SHM_CATCH2_V3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>

#include <cstdint>
#include <iostream>
#include <string>

/// v3's SKIP(reason), which v2 lacks: the reason goes to stdout after a marker that ctest reads
/// as "skipped" (SKIP_REGULAR_EXPRESSION, set by tests/CMakeLists.txt for v2), and the test case
/// ends there. Call it before the first assertion, as v3 requires of a whole-case skip; run
/// outside ctest, v2 counts the case as passed.
#define SKIP(...)                                                                                            \
    do {                                                                                                     \
        std::cout << "SHM_TEST_SKIPPED: " << __VA_ARGS__ << std::endl;                                       \
        return;                                                                                              \
    } while (false)

namespace Catch {
/// v3's name for the seed of this run (--rng-seed).
inline std::uint32_t getSeed()
{
    return rngSeed();
}

namespace Matchers {
/// v3's name for v2's substring matcher (v3 gave `Contains` to ranges).
inline StdString::ContainsMatcher ContainsSubstring(const std::string &text,
                                                    CaseSensitive::Choice caseSensitivity = CaseSensitive::Yes)
{
    return Contains(text, caseSensitivity);
}
} // namespace Matchers
} // namespace Catch
#endif
