// SPDX-License-Identifier: BSD-3-Clause
// A loader's or reader's view of a segment (protocol/segment): what open refuses, what a load
// publishes or refuses (capacity, a slot still pinned, a loader killed mid-copy), what a read
// verifies and writes out, how a wait for a generation ends, and what info counts. A Segment
// talks to its SysvProtocolOs directly (no seam), so this runs on the real System V: a holder in
// this process under a key whose files are in a scratch directory (its SlotProtocol stands in
// for another participant: a reader's pin, a scribbled slot), removed at the end of each case.
#include "protocol/segment.h"

#include "format/checksum.h"
#include "protocol/holder.h"

#include "holder_support.h"
#include "unit_support.h"

#include <csignal>
#include <cstring>
#include <span>
#include <string>
#include <thread>

using namespace shmtools::detail;
using Catch::Matchers::ContainsSubstring;
using shmtools::ErrorCode;
using shmtools::Remedy;
using shmtools::Result;
using shmtools::VersionInfo;
using unit::ChildProcess;
using unit::inChild;
using unit::Pipe;
using unit::ScratchKey;
using unit::startHolder;

namespace {

constexpr std::uint64_t kCapacity = unit::kHolderCapacity; // what startHolder() makes
// Long enough for any machine; the cases that reach a timeout on purpose pass a short one.
constexpr double kLongWait = 30;

Segment openSegment(const ScratchKey &scratch, double lockTimeout = kLongWait)
{
    auto segment = Segment::open(scratch.names, lockTimeout);
    REQUIRE(segment);
    return std::move(*segment);
}

/// `length` bytes of every value, NULs included; `seed` makes versions differ.
std::string content(std::size_t length, int seed = 1)
{
    std::string bytes(length, '\0');
    for (std::size_t i = 0; i < length; ++i)
        bytes[i] = static_cast<char>((i * 7 + static_cast<std::size_t>(seed)) % 256);
    return bytes;
}

/// Loads `bytes` as an input of known size.
Result<VersionInfo> load(Segment &segment, const std::string &bytes, const ProgressFn &progress = {})
{
    InputSource input = InputSource::fromBuffer(std::as_bytes(std::span(bytes.data(), bytes.size())), "the input");
    return segment.load(input, "source-" + std::to_string(bytes.size()), progress);
}

/// Loads `bytes` through a pipe: an input of unknown length. The sizes here are below a pipe's
/// buffer, so the writer never waits for the load, even for one it refuses.
Result<VersionInfo> loadStream(Segment &segment, const std::string &bytes)
{
    Pipe pipe;
    auto input = InputSource::fromDescriptor(pipe.fds[0], "the stream");
    REQUIRE(input);
    REQUIRE_FALSE(input->knownSize());
    std::thread writer([&] {
        for (std::size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::write(pipe.fds[1], bytes.data() + done, bytes.size() - done);
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        pipe.closeWrite();
    });
    auto loaded = segment.load(*input, "stream", {});
    writer.join();
    return loaded;
}

struct ReadBack {
    VersionInfo version;
    std::string bytes;
};
ReadBack readBack(Segment &segment)
{
    ReadBack back;
    auto version = segment.read(Segment::ConsumeFn([&](const VersionInfo &v, std::span<const std::byte> bytes) {
        back.version = v;
        back.bytes.assign(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    }));
    REQUIRE(version);
    CHECK(version->generation == back.version.generation);
    return back;
}

/// Overwrites one byte of the published version, as a stray write into the segment would.
void scribbleOnPublished(const Holder &holder)
{
    SlotProtocol &protocol = *holder.protocol();
    unsigned char *data = protocol.slotData(protocol.live().activeSlot);
    data[0] = static_cast<unsigned char>(data[0] ^ 0xff);
}

} // namespace

TEST_CASE("segment: each load publishes the next generation, read back whole with its checksum and source", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    CHECK(segment.capacity() == kCapacity);
    std::uint64_t lastDone = 0, lastTotal = 0;
    auto first = load(segment, content(1000), [&](std::uint64_t done, std::uint64_t total) {
        lastDone = done;
        lastTotal = total;
    });
    REQUIRE(first);
    CHECK(first->generation == 1);
    CHECK(first->length == 1000);
    CHECK(first->checksum == Checksum::of(content(1000).data(), 1000));
    CHECK(first->source == "source-1000");
    CHECK(lastDone == 1000);
    CHECK(lastTotal == 1000);
    auto second = load(segment, content(kCapacity, 2)); // exactly the capacity fits
    REQUIRE(second);
    CHECK(second->generation == 2);
    CHECK(*segment.currentGeneration() == 2);
    const ReadBack back = readBack(segment);
    CHECK(back.version.generation == 2);
    CHECK(back.version.length == kCapacity);
    CHECK(back.version.source == "source-4096");
    CHECK(back.bytes == content(kCapacity, 2));
}

TEST_CASE("segment: a read before any load gives generation 0 and writes nothing", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    CHECK(*segment.currentGeneration() == 0);
    const ReadBack back = readBack(segment);
    CHECK(back.version.generation == 0);
    CHECK(back.bytes.empty());
    Pipe pipe;
    std::uint64_t toldGeneration = 99;
    auto version = segment.read(
        [&](const VersionInfo &v) -> Result<Segment::Sink> {
            toldGeneration = v.generation;
            return Segment::Sink{pipe.fds[1], false};
        },
        {});
    REQUIRE(version);
    CHECK(toldGeneration == 0);
    pipe.closeWrite();
    char byte;
    CHECK(::read(pipe.fds[0], &byte, 1) == 0);
}

TEST_CASE("segment: a version written out to a sink arrives whole", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(3000)));
    Pipe pipe; // 3000 bytes fit a pipe's buffer: no reader needed while it writes
    std::uint64_t lastDone = 0;
    auto version =
        segment.read([&](const VersionInfo &) -> Result<Segment::Sink> { return Segment::Sink{pipe.fds[1]}; },
                     [&](std::uint64_t done, std::uint64_t) { lastDone = done; });
    REQUIRE(version);
    CHECK(lastDone == 3000);
    pipe.closeWrite();
    std::string out(4000, '\0');
    const ssize_t n = ::read(pipe.fds[0], out.data(), out.size());
    REQUIRE(n == 3000);
    out.resize(3000);
    CHECK(out == content(3000));
}

TEST_CASE("segment: a load larger than the capacity is refused and the previous version stays", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(100)));
    auto refused = load(segment, content(kCapacity + 1, 3));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::TooLarge);
    CHECK(refused.error().remedy == Remedy::LargerCapacity);
    // Both sizes read "4.0 KiB" rounded: the exact counts say which is larger.
    CHECK_THAT(refused.error().message,
               ContainsSubstring("the input (4.0 KiB (4097 bytes)) does not fit the capacity "
                                 "of 4.0 KiB (4096 bytes); the previous content is unchanged"));
    const ReadBack back = readBack(segment);
    CHECK(back.version.generation == 1);
    CHECK(back.bytes == content(100));
}

TEST_CASE("segment: a stream longer than the capacity is refused once the slot is full, the previous version stays",
          "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(100)));
    auto refused = loadStream(segment, content(kCapacity + 1, 4));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::TooLarge);
    CHECK_THAT(refused.error().message, ContainsSubstring("(more than 4.0 KiB)"));
    CHECK(readBack(segment).bytes == content(100));
    CHECK(*segment.currentGeneration() == 1);
    SECTION("its slot is free again: a stream of exactly the capacity is taken whole")
    {
        auto taken = loadStream(segment, content(kCapacity, 5));
        REQUIRE(taken);
        CHECK(taken->generation == 2);
        CHECK(readBack(segment).bytes == content(kCapacity, 5));
    }
}

TEST_CASE("segment: a version whose bytes changed after publishing fails its checksum, and nothing is read out",
          "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(500)));
    scribbleOnPublished(*holder);
    bool consumed = false;
    auto viaMemory =
        segment.read(Segment::ConsumeFn([&](const VersionInfo &, std::span<const std::byte>) { consumed = true; }));
    REQUIRE_FALSE(viaMemory);
    CHECK(viaMemory.error().code == ErrorCode::InvalidContent);
    CHECK_THAT(viaMemory.error().message,
               ContainsSubstring("checksum mismatch in generation 1") && ContainsSubstring("nothing was written"));
    CHECK_FALSE(consumed);
    bool sinkAsked = false;
    auto viaSink = segment.read(
        [&](const VersionInfo &) -> Result<Segment::Sink> {
            sinkAsked = true;
            return Segment::Sink{-1};
        },
        {});
    REQUIRE_FALSE(viaSink);
    CHECK(viaSink.error().code == ErrorCode::InvalidContent);
    CHECK_FALSE(sinkAsked);
    SECTION("a new load replaces it")
    {
        REQUIRE(load(segment, content(600, 6)));
        CHECK(readBack(segment).bytes == content(600, 6));
    }
}

TEST_CASE("segment: a load waits for the free slot while a reader pins it, and times out leaving the published version",
          "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch, 0.2);
    REQUIRE(load(segment, content(100, 1)));
    {
        auto pinned = holder->protocol()->pin(Deadline::after(kLongWait)); // a reader still on generation 1
        REQUIRE(pinned);
        REQUIRE(load(segment, content(200, 2)));       // into the other slot
        auto refused = load(segment, content(300, 3)); // would overwrite generation 1, still read
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::TimedOut);
        const ReadBack back = readBack(segment);
        CHECK(back.version.generation == 2);
        CHECK(back.bytes == content(200, 2));
    }
    auto loaded = load(segment, content(300, 3)); // the reader is done
    REQUIRE(loaded);
    CHECK(loaded->generation == 3);
}

TEST_CASE("segment: a loader killed mid-copy leaves the previous version, and its slot to the next load", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(100, 1)));
    Pipe input;
    ChildProcess loader([&](int readyFd, int) {
        auto own = Segment::open(scratch.names, kLongWait);
        if (!own)
            return 1;
        auto source = InputSource::fromDescriptor(input.fds[0], "the pipe");
        if (!source)
            return 2;
        bool told = false;
        [[maybe_unused]] auto never = own->load(*source, "killed", [&](std::uint64_t, std::uint64_t) {
            if (!std::exchange(told, true))
                ChildProcess::tellReady(readyFd); // some bytes are in its slot; it waits for more
        });
        return 3;
    });
    REQUIRE(::write(input.fds[1], "partial", 7) == 7);
    REQUIRE(loader.ready());
    ::kill(loader.pid(), SIGKILL);
    REQUIRE(loader.wait() == 100 + SIGKILL);
    const ReadBack back = readBack(segment);
    CHECK(back.version.generation == 1);
    CHECK(back.bytes == content(100, 1));
    auto next = load(segment, content(50, 2));
    REQUIRE(next);
    CHECK(next->generation == 2);
    CHECK(readBack(segment).bytes == content(50, 2));
}

TEST_CASE("segment: a wait for a newer generation ends with it, at once if already there, else TimedOut", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(10)));
    SECTION("already above")
    {
        auto generation = segment.waitForGenerationAbove(0, Deadline::after(kLongWait));
        REQUIRE(generation);
        CHECK(*generation == 1);
    }
    SECTION("published by another participant meanwhile")
    {
        Segment other = openSegment(scratch);
        Result<VersionInfo> published = shmtools::Error{};
        std::thread loader([&] { published = load(other, content(20, 2)); });
        auto generation = segment.waitForGenerationAbove(1, Deadline::after(kLongWait));
        loader.join();
        REQUIRE(published);
        REQUIRE(generation);
        CHECK(*generation == 2);
    }
    SECTION("nothing comes")
    {
        const Deadline deadline = Deadline::after(0.1);
        auto generation = segment.waitForGenerationAbove(1, deadline);
        REQUIRE_FALSE(generation);
        CHECK(generation.error().code == ErrorCode::TimedOut);
        CHECK(deadline.remaining().tv_nsec == 0);
    }
}

TEST_CASE("segment: a wait ends as NoSegment when the holder stops", "[segment]")
{
    ScratchKey scratch;
    auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    holder.reset(); // marks the segment for removal and wakes every waiter
    auto generation = segment.waitForGenerationAbove(0, Deadline::after(kLongWait));
    REQUIRE_FALSE(generation);
    CHECK(generation.error().code == ErrorCode::NoSegment);
}

TEST_CASE("segment: a wait ends as NoSegment when the segment is marked for removal under it", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    removeSegment(holder->shmid()); // ipcrm -m: the holder, its semaphore and its lock are all still there
    const Deadline deadline = Deadline::after(kLongWait);
    auto generation = segment.waitForGenerationAbove(0, deadline);
    REQUIRE_FALSE(generation);
    CHECK(generation.error().code == ErrorCode::NoSegment);
    CHECK(generation.error().remedy == Remedy::StartHolder);
    CHECK_THAT(generation.error().message, ContainsSubstring("the holder stopped while waiting"));
    CHECK(deadline.remaining().tv_sec > kLongWait / 2); // told at once, not at the deadline
}

TEST_CASE("segment: open finds nothing without a holder", "[segment]")
{
    ScratchKey scratch;
    auto segment = Segment::open(scratch.names, kLongWait);
    REQUIRE_FALSE(segment);
    CHECK(segment.error().code == ErrorCode::NoSegment);
}

TEST_CASE("segment: open refuses a plain segment smaller than a header, to be opened raw", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 100, true);
    auto segment = Segment::open(scratch.names, kLongWait);
    REQUIRE_FALSE(segment);
    CHECK(segment.error().code == ErrorCode::InvalidContent);
    CHECK(segment.error().remedy == Remedy::UseRaw);
    CHECK_THAT(segment.error().message, ContainsSubstring("was not made by shm-tools"));
}

TEST_CASE("segment: open refuses a plain segment the size of a header or more, its bytes untouched", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 2 * layout::kHeaderSize, true);
    auto segment = Segment::open(scratch.names, kLongWait);
    REQUIRE_FALSE(segment);
    CHECK(segment.error().code == ErrorCode::InvalidContent);
}

TEST_CASE("segment: open refuses a segment made for another key reached through the same key files", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    IpcNames collision = scratch.names;
    collision.key = "colliding-key";
    auto segment = Segment::open(collision, kLongWait);
    REQUIRE_FALSE(segment);
    CHECK(segment.error().code == ErrorCode::Unsafe);
    CHECK_THAT(segment.error().message, ContainsSubstring("unit-key"));
}

TEST_CASE("segment: a Segment opened before fork() is refused in the child, and still serves the parent", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    const int code = inChild([&] {
        auto loaded = load(segment, content(10));
        if (loaded || loaded.error().code != ErrorCode::Usage)
            return 1;
        auto generation = segment.currentGeneration();
        if (generation || generation.error().code != ErrorCode::Usage)
            return 2;
        auto read = segment.read(Segment::ConsumeFn([](const VersionInfo &, std::span<const std::byte>) {}));
        return !read && read.error().code == ErrorCode::Usage ? 0 : 3;
    });
    CHECK(code == 0);
    CHECK(*segment.currentGeneration() == 0); // nothing loaded by the child
    REQUIRE(load(segment, content(10)));
}

TEST_CASE("segment: output cut short by the consumer is fine only when the sink says so", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    {
        Segment loader = openSegment(scratch);
        REQUIRE(load(loader, content(1000)));
    }
    const auto readIntoClosedPipe = [&](bool earlyCloseIsFine) {
        return inChild([&] {
            ::signal(SIGPIPE, SIG_IGN); // as the tools run
            auto segment = Segment::open(scratch.names, kLongWait);
            if (!segment)
                return 1;
            Pipe pipe;
            pipe.closeRead();
            auto read = segment->read(
                [&](const VersionInfo &) -> Result<Segment::Sink> {
                    return Segment::Sink{pipe.fds[1], earlyCloseIsFine};
                },
                {});
            if (read)
                return 0;
            const bool named = read.error().message.find("output: Broken pipe") != std::string::npos;
            return read.error().code == ErrorCode::Failure && named ? 10 : 2;
        });
    };
    CHECK(readIntoClosedPipe(true) == 0);
    CHECK(readIntoClosedPipe(false) == 10);
}

TEST_CASE("segment: a sink that cannot be had ends the read with its error", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(10)));
    auto read = segment.read(
        [](const VersionInfo &) -> Result<Segment::Sink> {
            return shmtools::Error{ErrorCode::Usage, "no place to write generation 1"};
        },
        {});
    REQUIRE_FALSE(read);
    CHECK(read.error().code == ErrorCode::Usage);
    CHECK(read.error().message == "no place to write generation 1");
}

TEST_CASE("segment: info counts others' attachments, not this Segment's mappings, with the latest version", "[segment]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    Segment segment = openSegment(scratch);
    REQUIRE(load(segment, content(700)));
    readBack(segment);                                                 // maps the segment a second time, read-only
    auto pinned = holder->protocol()->pin(Deadline::after(kLongWait)); // a reader copying it out now
    REQUIRE(pinned);
    auto info = segment.info();
    REQUIRE(info);
    CHECK(info->attachments == 1); // the holder's
    CHECK(info->readers == 1);
    CHECK(info->capacity == kCapacity);
    CHECK(info->segmentSize == *layout::segmentSizeFor(kCapacity));
    CHECK(info->shmid == holder->shmid());
    CHECK(info->semid == scratch.ids().semid);
    CHECK(info->holderPid == ::getpid());
    CHECK(info->owner == ::geteuid());
    CHECK(info->key == scratch.names.key);
    CHECK(info->nativeKey == scratch.names.segmentKeyFile);
    CHECK(info->tempDir == scratch.names.tempDir);
    CHECK(info->latest.generation == 1);
    CHECK(info->latest.length == 700);
}
