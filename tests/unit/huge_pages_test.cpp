#include "sys/huge_pages.h"

#include "support/catch_compat.h"
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <sys/ipc.h>
#include <sys/shm.h>

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

TEST_CASE("attachSegmentMemory maps the segment itself, aligned for huge pages where they are available")
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

    const bool available = shmemHugePagesAvailable();
    if (available)
        CHECK(reinterpret_cast<std::uintptr_t>(data) % kHugePageSize == 0);
    // Huge pages only where the kernel allows them (allocation may still fall back to small ones).
    const bool huge = mappedByHugePages(data, 0, size);
    CHECK((!huge || available));
    // Qt's plain mapping is not aligned: it may never be mapped by huge pages.
    if (reinterpret_cast<std::uintptr_t>(plain) % kHugePageSize != 0)
        CHECK_FALSE(mappedByHugePages(plain, 0, size));

    // A read-only mapping sees the same bytes, aligned the same way.
    auto *readOnly =
        static_cast<const unsigned char *>(attachSegmentMemory(segment.shmid, size, MappingAccess::ReadOnly));
    REQUIRE(readOnly != reinterpret_cast<void *>(-1));
    CHECK(readOnly[0] == 0x11);
    CHECK(readOnly[size - 1] == 0x22);
    if (available)
        CHECK(reinterpret_cast<std::uintptr_t>(readOnly) % kHugePageSize == 0);

    CHECK(::shmdt(readOnly) == 0);
    CHECK(::shmdt(data) == 0);
    CHECK(::shmdt(plain) == 0);
}

TEST_CASE("attachSegmentMemory fails as shmat does")
{
    errno = 0;
    CHECK(attachSegmentMemory(-1, 4 * kHugePageSize) == reinterpret_cast<void *>(-1));
    CHECK(errno == EINVAL);
}
