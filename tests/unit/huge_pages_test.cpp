// SPDX-License-Identifier: BSD-3-Clause
#include "sys/huge_pages.h"

#include "support/catch_compat.h"
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/ipc.h>
#include <sys/shm.h>

using namespace shmtools::detail;

namespace {
// A private segment, removed at once: gone with its last mapping even if the test crashes.
struct PrivateSegment {
    int shmid;
    explicit PrivateSegment(std::uint64_t size) : shmid(::shmget(IPC_PRIVATE, size, IPC_CREAT | 0600))
    {
        REQUIRE(shmid != -1);
    }
    ~PrivateSegment() { ::shmctl(shmid, IPC_RMID, nullptr); }
};
} // namespace

std::uint64_t attachmentsOf(int shmid)
{
    shmid_ds status{};
    REQUIRE(::shmctl(shmid, IPC_STAT, &status) == 0);
    return status.shm_nattch;
}

TEST_CASE("attachSegmentMemory maps the segment itself, 2 MiB aligned whatever the huge-page setting")
{
    constexpr std::uint64_t size = 3 * kHugePageSize + 4096; // a tail that no huge page covers
    PrivateSegment segment(size);
    auto *data = static_cast<unsigned char *>(attachSegmentMemory(segment.shmid, size));
    REQUIRE(data != reinterpret_cast<void *>(-1));
    auto *plain = static_cast<unsigned char *>(::shmat(segment.shmid, nullptr, 0));
    REQUIRE(plain != reinterpret_cast<void *>(-1));

    // Both ends of the segment are reachable and are the segment's own memory.
    std::memset(data, 0x11, size);
    data[size - 1] = 0x22;
    CHECK(plain[0] == 0x11);
    CHECK(plain[size - 1] == 0x22);
    CHECK(plain[kHugePageSize + 5] == 0x11);
    // Aligned even where huge pages are off now: pages made huge earlier are then mapped huge.
    CHECK(reinterpret_cast<std::uintptr_t>(data) % kHugePageSize == 0);

    // A read-only mapping sees the same bytes, aligned the same way.
    auto *readOnly =
        static_cast<const unsigned char *>(attachSegmentMemory(segment.shmid, size, MappingAccess::ReadOnly));
    REQUIRE(readOnly != reinterpret_cast<void *>(-1));
    CHECK(readOnly[0] == 0x11);
    CHECK(readOnly[size - 1] == 0x22);
    CHECK(reinterpret_cast<std::uintptr_t>(readOnly) % kHugePageSize == 0);

    CHECK(::shmdt(readOnly) == 0);
    CHECK(::shmdt(data) == 0);
    CHECK(::shmdt(plain) == 0);
}

TEST_CASE("hugePageAt answers for the block around an offset and leaves no mapping behind")
{
    constexpr std::uint64_t size = 3 * kHugePageSize + 4096;
    PrivateSegment segment(size);
    auto *data = static_cast<unsigned char *>(attachSegmentMemory(segment.shmid, size));
    REQUIRE(data != reinterpret_cast<void *>(-1));
    std::memset(data, 0x33, size);
    const std::uint64_t attached = attachmentsOf(segment.shmid);

    // Huge pages only where the kernel allowed them when the pages were made (the allocation may
    // still fall back to small ones); the tail that no huge page covers is never one.
    const bool huge = hugePageAt(segment.shmid, size, kHugePageSize + 4096);
    CHECK((!huge || shmemHugePagesAvailable()));
    CHECK_FALSE(hugePageAt(segment.shmid, size, 3 * kHugePageSize));
    CHECK_FALSE(hugePageAt(segment.shmid, size, size));
    CHECK_FALSE(hugePageAt(-1, size, 0));
    CHECK(attachmentsOf(segment.shmid) == attached);
    CHECK(::shmdt(data) == 0);
}

TEST_CASE("attachSegmentMemory fails as shmat does")
{
    errno = 0;
    CHECK(attachSegmentMemory(-1, 4 * kHugePageSize) == reinterpret_cast<void *>(-1));
    CHECK(errno == EINVAL);
}
