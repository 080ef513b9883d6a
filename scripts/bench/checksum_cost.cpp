// What the checksum alone costs, for scripts/bench.sh: XXH3-64 through the core library's own
// Checksum class (src/lib/checksum.h, linked from the Release build's libshm_core.a, so the same
// code and flags the tools use) over BYTES of a System V shared segment, like a slot.
//
//   checksum_cost BYTES RUNS [ONESHOT_LOG INLINE_LOG]
//       prints one JSON line, times in ns, medians of RUNS (after a warm-up); with the logs, also
//       appends every run's time to them, one number a line (bench.py --samples reads them, so
//       these runs alternate with shm-load and shm-read runs in one paired group)
//
// The segment (shmget IPC_PRIVATE, removed at once, gone when the process exits) is filled with
// pseudo-random bytes first, so every page is allocated and touched before anything is timed.
// Two ways, as the tools use it:
//   oneshot  Checksum::of() over the whole buffer, as shm-read verifies a version before writing
//            it; the bytes come from memory, not from the cache (BYTES is far larger than L2)
//   inline   per 256 KiB chunk, Checksum::update() right after the chunk was copied into the
//            segment (memcpy from a private buffer standing in for read(2)), as shm-load does;
//            only the update() calls are timed
#include "timing.h"
#include "format/checksum.h"

#include <sys/ipc.h>
#include <sys/shm.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr std::size_t kChunk = 256 << 10; // shm-load's read size (src/lib/segment.cpp)

void fill(unsigned char *data, std::size_t length, std::uint64_t seed)
{
    std::uint64_t x = seed;
    for (std::size_t i = 0; i + 8 <= length; i += 8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::memcpy(data + i, &x, 8);
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 5) {
        std::fprintf(stderr, "usage: checksum_cost BYTES RUNS [ONESHOT_LOG INLINE_LOG]\n");
        return 2;
    }
    const std::size_t bytes = std::strtoull(argv[1], nullptr, 10);
    const int runs = std::atoi(argv[2]);
    if (bytes == 0 || bytes % kChunk != 0 || runs < 1) {
        std::fprintf(stderr, "checksum_cost: BYTES must be a positive multiple of 256 KiB, RUNS positive\n");
        return 2;
    }

    const int id = ::shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    if (id < 0) {
        std::perror("checksum_cost: shmget");
        return 1;
    }
    void *attached = ::shmat(id, nullptr, 0);
    ::shmctl(id, IPC_RMID, nullptr); // freed when the last process detaches: never left behind
    if (attached == reinterpret_cast<void *>(-1)) {
        std::perror("checksum_cost: shmat");
        return 1;
    }
    auto *data = static_cast<unsigned char *>(attached);
    fill(data, bytes, 0x9e3779b97f4a7c15ULL); // allocates and touches every page
    std::vector<unsigned char> source(bytes);
    fill(source.data(), bytes, 0x2545f4914f6cdd1dULL);

    std::uint64_t sink = 0; // every digest is used, so no call can be dropped
    std::vector<std::int64_t> oneshot, inlined;
    for (int run = 0; run <= runs; ++run) { // run 0 is the warm-up
        std::int64_t start = nowNs();
        sink ^= Checksum::of(data, bytes);
        const std::int64_t whole = nowNs() - start;

        Checksum streaming;
        std::int64_t hashing = 0;
        for (std::size_t at = 0; at < bytes; at += kChunk) {
            std::memcpy(data + at, source.data() + at, kChunk);
            start = nowNs();
            streaming.update(data + at, kChunk);
            hashing += nowNs() - start;
        }
        sink ^= streaming.digest();
        if (run > 0) {
            oneshot.push_back(whole);
            inlined.push_back(hashing);
        }
    }
    ::shmdt(attached);

    if (argc == 5) {
        const char *paths[] = {argv[3], argv[4]};
        const std::vector<std::int64_t> *samples[] = {&oneshot, &inlined};
        for (int i = 0; i < 2; ++i) {
            std::FILE *log = std::fopen(paths[i], "a");
            if (!log) {
                std::perror(paths[i]);
                return 1;
            }
            for (const std::int64_t value : *samples[i])
                std::fprintf(log, "%lld\n", static_cast<long long>(value));
            std::fclose(log);
        }
    }

    std::printf("{\"bytes\": %zu, \"runs\": %d, \"oneshot_ns\": %lld, \"inline_ns\": %lld, "
                "\"memory\": \"SysV shared segment, pages touched before timing\", \"digest_xor\": \"%016llx\"}\n",
                bytes, runs, static_cast<long long>(median(oneshot)), static_cast<long long>(median(inlined)),
                static_cast<unsigned long long>(sink));
    return 0;
}
