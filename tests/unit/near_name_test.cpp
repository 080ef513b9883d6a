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

// The near-key quirks. Keys differing by case, cut short, or by one character
// are suggested; the same key never is; a far key never is.
TEST_CASE("nearestName: case, prefix, one character, never the same name, never a far one", "[option]")
{
    const std::vector<std::string> keys{"webcam-frames", "Demo", "sensor-a", "sensor-b"};
    CHECK(nearestName("demo", keys) == "Demo");                   // case only
    CHECK(nearestName("WEBCAM-FRAMES", keys) == "webcam-frames"); // case only, long
    CHECK(nearestName("webc", keys) == "webcam-frames");          // cut short, only one match
    CHECK(nearestName("sens", keys).empty());                     // cut short, two matches: a guess
    CHECK(nearestName("webcam-frame", keys) == "webcam-frames");  // one character missing
    CHECK(nearestName("sensor-c", keys) == "sensor-a");           // one character: first of the ties
    CHECK(nearestName("Demo", keys).empty());                     // the same key
    CHECK(nearestName("we", keys).empty());                       // too short to be a prefix
    CHECK(nearestName("database", keys).empty());                 // far from all
}

// "--foll" is 2 edits from "--all" too, and was offered it; the start of exactly
// one name is that name, before any guess by distance.
TEST_CASE("nearestName prefers the one name typed is the start of over a near one", "[option]")
{
    const std::vector<std::string> options{"--all", "--follow", "--json", "--since", "--size"};
    CHECK(nearestName("--foll", options) == "--follow");
    CHECK(nearestName("--sin", options) == "--since");
    CHECK(nearestName("--si", options) == "--size"); // two starts ("--since", "--size"): by distance
}
