#include "checksum.h"
#include "read_ahead.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <sys/ipc.h>
#include <sys/shm.h>

TEST_CASE("checksumReadingAhead gives Checksum::of's digest over a mapping it has never touched")
{
    // Around the thresholds: no helper thread, one chunk, chunk boundaries, a partial last page.
    const std::uint64_t length =
        GENERATE(std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{4097}, std::uint64_t{16} << 20,
                 (std::uint64_t{16} << 20) + 1, (std::uint64_t{37} << 20) + 123);
    const int shmid = ::shmget(IPC_PRIVATE, length + 1, IPC_CREAT | 0600);
    REQUIRE(shmid != -1);
    auto *writer = static_cast<unsigned char *>(::shmat(shmid, nullptr, 0));
    ::shmctl(shmid, IPC_RMID, nullptr);
    REQUIRE(writer != reinterpret_cast<void *>(-1));
    std::uint64_t x = 0x9e3779b97f4a7c15ull ^ length;
    for (std::uint64_t i = 0; i < length; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        writer[i] = static_cast<unsigned char>(x);
    }
    // A second mapping, as a reader has: its page tables are empty.
    auto *reader = static_cast<unsigned char *>(::shmat(shmid, nullptr, SHM_RDONLY));
    REQUIRE(reader != reinterpret_cast<void *>(-1));
    const std::uint64_t before = checksumReadingAhead(reader, length);
    CHECK(before == Checksum::of(writer, length));
    // The last byte is hashed too (the partial last chunk and page are not skipped).
    if (length > 0) {
        writer[length - 1] ^= 1;
        const std::uint64_t after = checksumReadingAhead(reader, length);
        CHECK(after != before);
        CHECK(after == Checksum::of(writer, length));
    }
    ::shmdt(reader);
    ::shmdt(writer);
}
