// SPDX-License-Identifier: BSD-3-Clause
// This user's shm-tools segments found without key files (protocol/segment_list), on the real
// System V: a holder in this process (and one in a child, killed to leave an orphan) under a key
// whose files are in a scratch directory; a segment without a header beside them.
#include "protocol/segment_list.h"

#include "protocol/holder.h"

#include "holder_support.h"
#include "unit_support.h"

#include <optional>

using namespace shmtools::detail;
using unit::ChildProcess;
using unit::holderInChild;
using unit::ScratchKey;
using unit::startHolder;

namespace {

constexpr std::uint64_t kCapacity = unit::kHolderCapacity; // what startHolder() makes

/// The listed segment `shmid`, if listed.
std::optional<ListedSegment> listed(int shmid)
{
    auto all = listSegments();
    REQUIRE(all);
    for (const ListedSegment &segment : *all)
        if (segment.shmid == shmid)
            return segment;
    return std::nullopt;
}

} // namespace

TEST_CASE("segment list: a running holder's segment is listed with its key, TMPDIR, holder and latest version",
          "[segment_list]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    {
        SlotProtocol &protocol = *holder->protocol();
        auto claim = protocol.claim(Deadline::after(10));
        REQUIRE(claim);
        REQUIRE(protocol.publish(*claim, {10, 42, "src"}, Deadline::after(10)));
    }
    const auto segment = listed(holder->shmid());
    REQUIRE(segment);
    CHECK(segment->key == scratch.names.key);
    CHECK(segment->tempDir == scratch.names.tempDir);
    CHECK(segment->capacity == kCapacity);
    CHECK(segment->generation == 1);
    CHECK(segment->length == 10);
    CHECK(segment->holderPid == ::getpid());
    CHECK(segment->holderAlive);
    CHECK(segment->attachments == 1); // the holder's own mapping
    const auto live = findLiveHolder(scratch.names);
    REQUIRE(live);
    CHECK(live->shmid == holder->shmid());
}

TEST_CASE("segment list: the live holder is found by key and TMPDIR both", "[segment_list]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    ScratchKey elsewhere; // the same key under another TMPDIR
    CHECK_FALSE(findLiveHolder(elsewhere.names));
    IpcNames otherKey = scratch.names;
    otherKey.key = "another-key";
    CHECK_FALSE(findLiveHolder(otherKey));
    CHECK(findLiveHolder(scratch.names));
}

TEST_CASE("segment list: the orphan of a killed holder is listed as such, and is no live holder", "[segment_list]")
{
    ScratchKey scratch;
    ChildProcess child(holderInChild(scratch.names));
    REQUIRE(child.ready());
    auto shmid = findSegment(scratch.names);
    REQUIRE(shmid);
    const pid_t pid = child.pid();
    ::kill(pid, SIGKILL);
    REQUIRE(child.wait() == 100 + SIGKILL);
    const auto segment = listed(*shmid);
    REQUIRE(segment);
    CHECK_FALSE(segment->holderAlive);
    CHECK(segment->holderPid == pid);
    CHECK(segment->attachments == 0);
    CHECK_FALSE(findLiveHolder(scratch.names));
}

TEST_CASE("segment list: segments without a shm-tools header, or removed, are left out", "[segment_list]")
{
    ScratchKey scratch;
    SECTION("no header")
    {
        auto keyFile = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
        REQUIRE(keyFile);
        const NewSegment plain = createSegmentExclusive(keyFile->key, kCapacity);
        REQUIRE(plain.shmid != -1);
        CHECK_FALSE(listed(plain.shmid));
    }
    SECTION("a stopped holder's, still attached by a reader draining it")
    {
        int shmid = -1;
        std::optional<SegmentMapping> reader;
        {
            const auto holder = startHolder(scratch.names);
            shmid = holder->shmid();
            auto mapping = SegmentMapping::attach(shmid, *layout::segmentSizeFor(kCapacity), scratch.names);
            REQUIRE(mapping);
            reader.emplace(std::move(*mapping));
            REQUIRE(listed(shmid));
        } // stopped: its segment marked for removal, the reader still attached
        CHECK_FALSE(listed(shmid));
        CHECK_FALSE(findLiveHolder(scratch.names));
    }
}
