// SPDX-License-Identifier: BSD-3-Clause
// The "did you mean" of the tools: edit distance with swaps, and a nearest name only when near.
#include "near_name.h"

#include "support/catch_compat.h"

TEST_CASE("editDistance counts insertions, deletions, substitutions and swaps of neighbours", "[option]")
{
    const auto [a, b, distance] = GENERATE(table<std::string, std::string, std::size_t>({
        {"", "", 0},
        {"size", "size", 0},
        {"--szie", "--size", 1},  // two neighbours swapped: one edit, not two
        {"--sise", "--size", 1},  // one substitution
        {"--siz", "--size", 1},   // one insertion
        {"--sizee", "--size", 1}, // one deletion
        {"", "abc", 3},
        {"kitten", "sitting", 3},
    }));
    CAPTURE(a, b);
    CHECK(editDistance(a, b) == distance);
    CHECK(editDistance(b, a) == distance);
}

TEST_CASE("nearestName offers a name only within a third of its length, at most 3 edits", "[option]")
{
    const std::vector<std::string> options{"--size", "--since", "--detach", "--watch", "--remove"};
    CHECK(nearestName("--szie", options) == "--size");
    CHECK(nearestName("--detatch", options) == "--detach");
    CHECK(nearestName("--frobnicate", options).empty());
    CHECK(nearestName("--size", options).empty()); // a name that exists is no typo, however near others are
    CHECK(nearestName("-x", {"-k", "-t"}).empty()); // too short to guess
    CHECK(nearestName("mykey-1", {"mykey-2", "other"}) == "mykey-2");
}
