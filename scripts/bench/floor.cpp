// SPDX-License-Identifier: BSD-3-Clause
// The host's floor for scripts/bench.sh: what page-table work costs here, per 4 KiB page, in the
// way the tools do it, measured inside one process (hyperfine sees only whole processes). Linked with the core library, so it maps segments exactly as they do
// (attachSegmentMemory: 2 MiB aligned with MADV_HUGEPAGE where shmem huge pages are available).
//
//   floor BYTES RUNS [FILE]
//       prints one JSON line, medians of RUNS (after a warm-up), in ns:
//         populate  MADV_POPULATE_READ of a fresh mapping of a BYTES segment whose pages exist
//         fault     the same by touching one byte per page (what a plain read of a mapping pays)
//         shmdt     detaching such a populated mapping
//         populate_ro, shmdt_ro  the same for a read-only mapping (SHM_RDONLY), as shm-read's
//         serial    populate, then XXH3 over the range: shm-read's verification before issue 11
//         ahead     checksumReadingAhead() below: populating from a second thread while hashing
//         release2  MADV_DONTNEED of the two halves from two threads, then shmdt: a teardown
//                   shared between both cores
//         exit_shmdt, exit_only  a child that mapped and populated the range: from then to its
//                   reaping by waitpid, with shmdt before _exit or leaving the teardown to
//                   _exit (what skipping the explicit detach would save)
//         copy_in   with FILE: read(2) of FILE, 256 KiB per call as shm-load reads, into a
//                   populated mapping of the segment: the loader's copy, into memory that
//                   (unlike dd's one reused buffer) is new to the cache at every page
//         xxh3_inline  with FILE: XXH3 of each chunk right after its read(2), as shm-load
//                   hashes (the chunk is still in the cache); not included in copy_in
//         pages     BYTES / 4096, to divide by; huge: whether the mapping held huge pages
//
// The segment (shmget IPC_PRIVATE, removed at once, gone when the process exits) is written
// through one mapping first, so every page is allocated before anything is timed; the timed
// mappings are new ones, as every shm-read's is.
#include "timing.h"
#include "format/checksum.h"
#include "sys/huge_pages.h"

#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

using namespace shmtools::detail;

namespace {

unsigned char *attach(int shmid, std::uint64_t bytes, MappingAccess access = MappingAccess::ReadWrite)
{
    void *address = attachSegmentMemory(shmid, bytes, access);
    if (address == reinterpret_cast<void *>(-1)) {
        std::perror("floor: shmat");
        std::exit(1);
    }
    return static_cast<unsigned char *>(address);
}

// A child maps and populates the range, notes the time (CLOCK_MONOTONIC is the same clock in
// every process) and sends it to us, then detaches or not before _exit; from that time to its
// reaping is what the rest of its life costs.
std::int64_t exitCost(int shmid, std::uint64_t bytes, bool detachFirst)
{
    int ready[2];
    if (::pipe(ready) != 0)
        std::exit(1);
    const pid_t child = ::fork();
    if (child == 0) {
        unsigned char *data = attach(shmid, bytes);
        ::madvise(data, bytes, MADV_POPULATE_READ);
        const std::int64_t start = nowNs();
        if (::write(ready[1], &start, sizeof start) != sizeof start)
            ::_exit(1);
        if (detachFirst)
            ::shmdt(data);
        ::_exit(0);
    }
    ::close(ready[1]);
    std::int64_t t0 = 0;
    if (::read(ready[0], &t0, sizeof t0) != sizeof t0)
        std::exit(1);
    int status = 0;
    ::waitpid(child, &status, 0);
    const std::int64_t t1 = nowNs();
    ::close(ready[0]);
    return t1 - t0;
}

// One page-table page's worth (and one huge page): the unit both threads claim.
constexpr std::uint64_t kChunk = 2 << 20;
// Below this, starting a thread costs more than it overlaps.
constexpr std::uint64_t kParallelFrom = 16 << 20;

enum ChunkState : int { Untouched, Claimed, Populated };

void populate(const unsigned char *start, std::uint64_t length)
{
    // The first and last page of a range may be partial: the kernel wants page-aligned ranges.
    const auto first = reinterpret_cast<std::uintptr_t>(start) & ~std::uintptr_t{4095};
    const auto end = (reinterpret_cast<std::uintptr_t>(start) + length + 4095) & ~std::uintptr_t{4095};
    ::madvise(reinterpret_cast<void *>(first), end - first, MADV_POPULATE_READ);
}

class Chunks {
public:
    Chunks(const unsigned char *data, std::uint64_t length)
        : m_data(data), m_length(length), m_count((length + kChunk - 1) / kChunk),
          m_states(std::make_unique<std::atomic<int>[]>(m_count))
    {
    }
    std::uint64_t count() const { return m_count; }
    const unsigned char *start(std::uint64_t chunk) const { return m_data + chunk * kChunk; }
    std::uint64_t length(std::uint64_t chunk) const { return std::min(kChunk, m_length - chunk * kChunk); }
    std::atomic<int> &state(std::uint64_t chunk) { return m_states[chunk]; }

    /// Populates the chunk if nobody claimed it yet; false if someone did.
    bool populateIfUntouched(std::uint64_t chunk)
    {
        int expected = Untouched;
        if (!m_states[chunk].compare_exchange_strong(expected, Claimed, std::memory_order_acq_rel))
            return false;
        populate(start(chunk), length(chunk));
        m_states[chunk].store(Populated, std::memory_order_release);
        m_states[chunk].notify_all();
        return true;
    }

private:
    const unsigned char *m_data;
    std::uint64_t m_length;
    std::uint64_t m_count;
    std::unique_ptr<std::atomic<int>[]> m_states;
};

// The read path tried for issue 11, kept here to measure it on any host: a helper thread
// populates 2 MiB chunks from the front while the calling thread hashes each chunk once it is
// populated, and populates chunks from the back itself whenever the hash has caught up. Same
// digest as Checksum::of. It did not pay on the host of the README's run, so shm-read does
// not use it.
std::uint64_t checksumReadingAhead(const unsigned char *data, std::uint64_t length)
{
    if (length < kParallelFrom) {
        if (length > 0)
            populate(data, length);
        return Checksum::of(data, length);
    }
    Chunks chunks(data, length);
    // From the front: the helper stops at the first chunk the calling thread took from the back.
    std::thread ahead([&chunks] {
        for (std::uint64_t chunk = 0; chunk < chunks.count(); ++chunk)
            if (!chunks.populateIfUntouched(chunk))
                break;
    });
    Checksum checksum;
    std::uint64_t back = chunks.count();
    for (std::uint64_t chunk = 0; chunk < chunks.count(); ++chunk) {
        for (;;) {
            const int state = chunks.state(chunk).load(std::memory_order_acquire);
            if (state == Populated)
                break;
            if (state == Untouched && chunks.populateIfUntouched(chunk))
                break;
            // The helper is on this very chunk: fill one from the far end meanwhile, or wait.
            if (back > chunk + 1 && chunks.populateIfUntouched(back - 1)) {
                --back;
                continue;
            }
            chunks.state(chunk).wait(Claimed, std::memory_order_acquire);
        }
        checksum.update(chunks.start(chunk), chunks.length(chunk));
    }
    ahead.join();
    return checksum.digest();
}

} // namespace

struct CopyCost {
    std::int64_t copy = 0; // the read(2) calls
    std::int64_t hash = 0; // XXH3 of each chunk after its read
};

// read(2) of `path` into `data` (at most `bytes`) in shm-load's chunks, hashing each chunk after
// its read as shm-load does; copy -1 if the file cannot be read.
CopyCost copyIn(const char *path, unsigned char *data, std::uint64_t bytes)
{
    constexpr std::uint64_t kChunk = 256 << 10;
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
        return {-1, 0};
    CopyCost cost;
    Checksum checksum;
    std::uint64_t total = 0;
    ssize_t n = 0;
    for (;;) {
        const std::int64_t t0 = nowNs();
        n = total < bytes ? ::read(fd, data + total, std::min(kChunk, bytes - total)) : 0;
        const std::int64_t t1 = nowNs();
        if (n <= 0)
            break;
        checksum.update(data + total, static_cast<std::size_t>(n));
        cost.copy += t1 - t0;
        cost.hash += nowNs() - t1;
        total += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    volatile std::uint64_t sink = checksum.digest();
    (void)sink;
    return n < 0 ? CopyCost{-1, 0} : cost;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: floor BYTES RUNS [FILE]\n");
        return 2;
    }
    const char *input = argc == 4 ? argv[3] : nullptr;
    const std::uint64_t bytes = std::strtoull(argv[1], nullptr, 10);
    const int runs = std::atoi(argv[2]);
    const int shmid = ::shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    if (shmid == -1) {
        std::perror("floor: shmget");
        return 1;
    }
    unsigned char *writer = attach(shmid, bytes);
    ::shmctl(shmid, IPC_RMID, nullptr); // gone with the last detach, even if we crash
    std::memset(writer, 0x5a, bytes);
    const bool huge = hugePageAt(shmid, bytes, 0);

    std::vector<std::int64_t> populate, fault, detach, populateRo, detachRo, serial, ahead, release2, exitShmdt,
        exitOnly, copies, hashes;
    volatile std::uint64_t sink = 0;
    for (int run = -1; run < runs; ++run) {
        unsigned char *data = attach(shmid, bytes);
        std::int64_t t0 = nowNs();
        ::madvise(data, bytes, MADV_POPULATE_READ);
        std::int64_t t1 = nowNs();
        ::shmdt(data);
        std::int64_t t2 = nowNs();
        data = attach(shmid, bytes);
        std::int64_t t3 = nowNs();
        unsigned sum = 0;
        for (std::uint64_t offset = 0; offset < bytes; offset += 4096)
            sum += data[offset];
        std::int64_t t4 = nowNs();
        sink = sink + sum;
        ::shmdt(data);
        data = attach(shmid, bytes);
        const std::int64_t t5 = nowNs();
        ::madvise(data, bytes, MADV_POPULATE_READ);
        sink = sink + Checksum::of(data, bytes);
        const std::int64_t t6 = nowNs();
        ::shmdt(data);
        data = attach(shmid, bytes);
        const std::int64_t t7 = nowNs();
        sink = sink + checksumReadingAhead(data, bytes);
        const std::int64_t t8 = nowNs();
        const std::uint64_t half = bytes / 2 / 4096 * 4096;
        std::thread other([data, half] { ::madvise(data, half, MADV_DONTNEED); });
        ::madvise(data + half, bytes - half, MADV_DONTNEED);
        other.join();
        ::shmdt(data);
        const std::int64_t t9 = nowNs();
        data = attach(shmid, bytes, MappingAccess::ReadOnly);
        const std::int64_t t10 = nowNs();
        ::madvise(data, bytes, MADV_POPULATE_READ);
        const std::int64_t t11 = nowNs();
        ::shmdt(data);
        const std::int64_t t12 = nowNs();
        const CopyCost copied = input ? copyIn(input, writer, bytes) : CopyCost{};
        if (copied.copy < 0) {
            std::perror("floor: reading the input");
            return 1;
        }
        const std::int64_t withShmdt = exitCost(shmid, bytes, true);
        const std::int64_t withoutShmdt = exitCost(shmid, bytes, false);
        if (run >= 0) {
            populate.push_back(t1 - t0);
            detach.push_back(t2 - t1);
            fault.push_back(t4 - t3);
            populateRo.push_back(t11 - t10);
            detachRo.push_back(t12 - t11);
            serial.push_back(t6 - t5);
            ahead.push_back(t8 - t7);
            release2.push_back(t9 - t8);
            exitShmdt.push_back(withShmdt);
            exitOnly.push_back(withoutShmdt);
            copies.push_back(copied.copy);
            hashes.push_back(copied.hash);
        }
    }
    const auto field = [](const char *name, const std::vector<std::int64_t> &values) {
        std::printf(", \"%s\": %lld", name, static_cast<long long>(median(values)));
    };
    std::printf("{\"bytes\": %llu, \"pages\": %llu, \"huge\": %s", static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>(bytes / 4096), huge ? "true" : "false");
    field("populate", populate);
    field("fault", fault);
    field("shmdt", detach);
    field("populate_ro", populateRo);
    field("shmdt_ro", detachRo);
    field("serial", serial);
    field("ahead", ahead);
    field("release2", release2);
    field("exit_shmdt", exitShmdt);
    field("exit_only", exitOnly);
    if (input) {
        field("copy_in", copies);
        field("xxh3_inline", hashes);
    }
    std::printf("}\n");
    return 0;
}
