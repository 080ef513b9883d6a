// SPDX-License-Identifier: BSD-3-Clause
// Raw mode (protocol/raw_segment): a C string written and read under Qt's lock, as the seed
// example's programs use a segment. On the real System V, the segment held in this process by a
// raw holder (as `shm-create --raw` holds it), its key files in a scratch directory.
#include "protocol/raw_segment.h"

#include "protocol/holder.h"
#include "protocol/segment_attach.h"

#include "holder_support.h"
#include "unit_support.h"

#include <cstring>
#include <span>
#include <string>
#include <string_view>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using shmtools::Remedy;
using shmtools::Result;
using unit::Pipe;
using unit::ScratchKey;
using unit::startHolder;

namespace {

constexpr double kLockTimeout = 10;

Result<std::uint64_t> load(const ScratchKey &scratch, std::string_view content, double timeout = kLockTimeout)
{
    InputSource input = InputSource::fromBuffer(std::as_bytes(std::span(content.data(), content.size())), "the input");
    return rawLoad(scratch.names, input, timeout);
}

/// What a load that must succeed wrote, without its NUL.
std::uint64_t loaded(const ScratchKey &scratch, std::string_view content)
{
    auto count = load(scratch, content);
    REQUIRE(count);
    return *count;
}

/// What rawRead writes out (all: the whole segment, else up to its first NUL).
std::string readOut(const ScratchKey &scratch, bool all = false)
{
    Pipe pipe; // raw segments here are far smaller than a pipe's capacity: no reader needed
    auto count = rawRead(scratch.names, pipe.fds[1], all, kLockTimeout);
    REQUIRE(count);
    pipe.closeWrite();
    std::string out(*count + 1, '\0');
    const ssize_t n = ::read(pipe.fds[0], out.data(), out.size());
    REQUIRE(n == static_cast<ssize_t>(*count)); // exactly what it counted, nothing more
    out.resize(static_cast<std::size_t>(n));
    return out;
}

} // namespace

TEST_CASE("raw: bytes in, bytes up to the NUL out, the NUL written after them", "[raw_segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 32, true);
    CHECK(readOut(scratch) == ""); // a new segment is all zero
    REQUIRE(loaded(scratch, "hello, Qt") == 9);
    CHECK(readOut(scratch) == "hello, Qt");
    CHECK(readOut(scratch, true) == std::string("hello, Qt") + std::string(23, '\0'));
    SECTION("a shorter text after a longer one ends at its own NUL")
    {
        REQUIRE(loaded(scratch, "short") == 5);
        CHECK(readOut(scratch) == "short");
        CHECK(readOut(scratch, true) == std::string("short\0 Qt", 9) + std::string(23, '\0'));
    }
    SECTION("a NUL inside the input ends what a read gives, unless all is asked")
    {
        REQUIRE(loaded(scratch, std::string_view("ab\0cd", 5)) == 5);
        CHECK(readOut(scratch) == "ab");
        CHECK(readOut(scratch, true).substr(0, 9) == std::string("ab\0cd\0 Qt", 9)); // the rest is the old text
    }
}

TEST_CASE("raw: what does not fit with its NUL is TooLarge, and nothing is written", "[raw_segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 8, true);
    REQUIRE(loaded(scratch, "1234567") == 7); // seven bytes and the NUL: exactly full
    auto refused = load(scratch, "abcdefgh");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::TooLarge);
    CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("the input does not fit") &&
                                            Catch::Matchers::ContainsSubstring("nothing was written"));
    CHECK(readOut(scratch, true) == std::string("1234567\0", 8));
}

TEST_CASE("raw: a shm-tools segment is refused both ways, its header left whole", "[raw_segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 4096);
    auto loaded = load(scratch, "would overwrite the header");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == ErrorCode::InvalidContent);
    CHECK(loaded.error().remedy == Remedy::UseWithoutRaw);
    Pipe pipe;
    auto refusedRead = rawRead(scratch.names, pipe.fds[1], true, kLockTimeout);
    REQUIRE_FALSE(refusedRead);
    CHECK(refusedRead.error().code == ErrorCode::InvalidContent);
    CHECK(refusedRead.error().remedy == Remedy::UseWithoutRaw);
    auto mapped = mapSegment(scratch.names);
    REQUIRE(mapped);
    CHECK(std::memcmp(mapped->mapping.data(), layout::kMagic, sizeof layout::kMagic) == 0);
}

TEST_CASE("raw: a lock held elsewhere is waited for until the timeout, then TimedOut, nothing written", "[raw_segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 32, true);
    REQUIRE(loaded(scratch, "before") == 6);
    {
        auto semaphore = Semaphore::open(scratch.names);
        REQUIRE(semaphore);
        auto taken = semaphore->lock(Deadline::after(kLockTimeout)); // as a Qt peer holds it
        REQUIRE(taken);
        auto refused = load(scratch, "after", 0.05);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::TimedOut);
    }
    CHECK(readOut(scratch) == "before");
}

TEST_CASE("raw: no segment under the key is NoSegment", "[raw_segment]")
{
    ScratchKey scratch;
    auto loaded = load(scratch, "nowhere");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().code == ErrorCode::NoSegment);
    Pipe pipe;
    auto refusedRead = rawRead(scratch.names, pipe.fds[1], false, kLockTimeout);
    REQUIRE_FALSE(refusedRead);
    CHECK(refusedRead.error().code == ErrorCode::NoSegment);
}
