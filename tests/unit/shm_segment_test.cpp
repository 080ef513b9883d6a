// SPDX-License-Identifier: BSD-3-Clause
// System V segments as the core sees them (sys/shm_segment), on real segments under a key file in
// a scratch directory: what IPC_STAT and the kernel's table say, one creator under a key, the
// copy of a segment's start, and a mapping that detaches exactly once. (Finding a segment through
// its key file, and the ownership rule, are in sysv_test.cpp.)
#include "sys/shm_segment.h"

#include "sys/key_file.h"

#include "unit_support.h"

#include <algorithm>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using unit::ScratchKey;

namespace {

constexpr std::uint64_t kSize = 1 << 20;

/// A segment under the scratch key, made as a holder makes it, removed at the end of the scope.
struct KeyedSegment {
    ScratchKey scratch;
    KeyFile keyFile;
    int shmid = -1;
    KeyedSegment()
    {
        auto file = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
        REQUIRE(file);
        keyFile = *file;
        const NewSegment made = createSegmentExclusive(keyFile.key, kSize);
        REQUIRE(made.shmid != -1);
        CHECK(made.error == 0);
        shmid = made.shmid;
    }
    ~KeyedSegment() { removeSegment(shmid); }
    KeyedSegment(const KeyedSegment &) = delete;
    KeyedSegment &operator=(const KeyedSegment &) = delete;
    SegmentStatus status() const
    {
        auto status = statSegment(shmid, scratch.names);
        REQUIRE(status);
        return *status;
    }
};

} // namespace

TEST_CASE("shm segment: a new segment is ours, 0600, of the size asked, made by this process, unattached",
          "[shm_segment]")
{
    KeyedSegment segment;
    const SegmentStatus status = segment.status();
    CHECK(status.shmid == segment.shmid);
    CHECK(status.size == kSize);
    CHECK(status.uid == ::geteuid());
    CHECK(status.cuid == ::geteuid());
    CHECK(status.mode == 0600);
    CHECK(status.creatorPid == ::getpid());
    CHECK(status.attachments == 0);
    CHECK_FALSE(status.markedForRemoval);
    CHECK(requireOwnedSegment(status, segment.scratch.names));
    auto found = findSegment(segment.scratch.names);
    CHECK((found && *found == segment.shmid));
}

TEST_CASE("shm segment: a second creator under the key gets EEXIST, read at once", "[shm_segment]")
{
    KeyedSegment segment;
    errno = 0;
    const NewSegment second = createSegmentExclusive(segment.keyFile.key, kSize);
    CHECK(second.shmid == -1);
    CHECK(second.error == EEXIST);
    CHECK(segmentExistsUnder(segment.keyFile.key));
}

TEST_CASE("shm segment: a mapping detaches once, whoever it was moved to", "[shm_segment]")
{
    KeyedSegment segment;
    {
        auto mapping = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
        REQUIRE(mapping);
        REQUIRE(mapping->data() != nullptr);
        CHECK(mapping->size() == kSize);
        CHECK(segment.status().attachments == 1);
        SegmentMapping moved(std::move(*mapping));
        CHECK(mapping->data() == nullptr);
        CHECK(segment.status().attachments == 1);
        SegmentMapping assigned;
        assigned = std::move(moved);
        CHECK(segment.status().attachments == 1);
        auto second = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
        REQUIRE(second);
        CHECK(segment.status().attachments == 2);
        assigned = std::move(*second); // the mapping it held is detached
        CHECK(segment.status().attachments == 1);
    }
    CHECK(segment.status().attachments == 0);
}

TEST_CASE("shm segment: the start of a segment is copied through a read-only attachment that goes again",
          "[shm_segment]")
{
    KeyedSegment segment;
    {
        auto mapping = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
        REQUIRE(mapping);
        std::memcpy(mapping->data(), "the start of it", 15);
    }
    char copy[15] = {};
    REQUIRE(copySegmentStart(segment.shmid, copy, sizeof copy));
    CHECK(std::string(copy, sizeof copy) == "the start of it");
    CHECK(segment.status().attachments == 0);
}

TEST_CASE("shm segment: the kernel's table tells an untouched segment from one with pages in use", "[shm_segment]")
{
    KeyedSegment segment;
    CHECK(segmentBytesInUse(segment.shmid) == std::optional<std::uint64_t>(0));
    {
        auto mapping = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
        REQUIRE(mapping);
        mapping->data()[kSize - 1] = 1; // one page touched
    }
    const auto inUse = segmentBytesInUse(segment.shmid);
    REQUIRE(inUse);
    CHECK(*inUse >= static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
    const auto table = segmentTable();
    REQUIRE(table);
    CHECK(std::count_if(table->begin(), table->end(),
                        [&](const SegmentTableRow &row) { return row.shmid == segment.shmid; }) == 1);
}

TEST_CASE("shm segment: a removed segment stays for whoever is attached, marked, and is gone after", "[shm_segment]")
{
    KeyedSegment segment;
    const key_t key = segment.keyFile.key;
    {
        auto mapping = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
        REQUIRE(mapping);
        removeSegment(segment.shmid);
        CHECK(segment.status().markedForRemoval);
        mapping->data()[0] = 1;               // still mapped,
        CHECK_FALSE(segmentExistsUnder(key)); // yet nobody new finds it
    }
    auto gone = statSegment(segment.shmid, segment.scratch.names);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == ErrorCode::NoSegment);
    CHECK_FALSE(segmentBytesInUse(segment.shmid));
    auto attach = SegmentMapping::attach(segment.shmid, kSize, segment.scratch.names);
    REQUIRE_FALSE(attach);
    CHECK(attach.error().code == ErrorCode::NoSegment);
    CHECK_FALSE(copySegmentStart(segment.shmid, nullptr, 0));
}
