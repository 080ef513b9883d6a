// SPDX-License-Identifier: BSD-3-Clause
// thp_probe: the adversarial tests' independent witness of transparent huge pages in a System V
// segment (ported from the outside review's thpprobe.c). It asks the kernel's page flags
// (/proc/kpageflags, KPF_THP), not the smaps figure the tools themselves read, so the tests do not
// check the product against its own method. Needs root (kpageflags and pagemap PFNs).
//
//   thp_probe SHMID [NEEDLEFILE]
//
// Attaches the segment read-only at a 2 MiB aligned address, finds its resident pages with
// mincore (so holes are never faulted in), and prints one line:
//
//   resident=N thp=M first_thp=0|1 [needle_at=OFFSET needle_thp=0|1]
//
// N resident 4 KiB pages, M of them parts of a transparent huge page; first_thp: the segment's
// first page (the header) is; with NEEDLEFILE, the first resident page holding its first 64 bytes
// (the latest version's first bytes) is found at OFFSET (-1 and needle_thp=-1 when not found).
// Exit 0, or 2 with a message when the segment or the kernel's files cannot be read.

#include <sys/mman.h>
#include <sys/shm.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kHuge = std::size_t{2} << 20;
constexpr int kThpBit = 22; // KPF_THP, Documentation/admin-guide/mm/pagemap.rst

int die(const char *what)
{
    std::fprintf(stderr, "thp_probe: %s: %s\n", what, std::strerror(errno));
    return 2;
}

// A 2 MiB aligned address with `size` bytes free after it: reserved, then given back.
void *alignedAddress(std::size_t size)
{
    void *reservation = mmap(nullptr, size + kHuge, PROT_NONE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reservation == MAP_FAILED)
        return nullptr;
    const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(reservation);
    const std::uintptr_t aligned = (start + kHuge - 1) & ~static_cast<std::uintptr_t>(kHuge - 1);
    munmap(reservation, size + kHuge);
    return reinterpret_cast<void *>(aligned);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: thp_probe SHMID [NEEDLEFILE]\n");
        return 2;
    }
    const int shmid = std::atoi(argv[1]);
    shmid_ds ds{};
    if (shmctl(shmid, IPC_STAT, &ds) != 0)
        return die("shmctl IPC_STAT");
    const std::size_t size = ds.shm_segsz;
    const std::size_t pages = (size + kPage - 1) / kPage;

    void *where = alignedAddress(size);
    if (where == nullptr)
        return die("mmap");
    void *attached = shmat(shmid, where, SHM_RDONLY);
    if (attached == reinterpret_cast<void *>(-1))
        return die("shmat");
    const unsigned char *base = static_cast<const unsigned char *>(attached);
    madvise(attached, size, MADV_HUGEPAGE);

    std::vector<unsigned char> residency(pages);
    if (mincore(attached, size, residency.data()) != 0)
        return die("mincore");

    char needle[64];
    ssize_t needleLength = 0;
    if (argc == 3) {
        const int fd = open(argv[2], O_RDONLY);
        if (fd < 0)
            return die(argv[2]);
        needleLength = read(fd, needle, sizeof needle);
        close(fd);
    }

    const int pagemap = open("/proc/self/pagemap", O_RDONLY);
    if (pagemap < 0)
        return die("/proc/self/pagemap");
    const int kpageflags = open("/proc/kpageflags", O_RDONLY);
    if (kpageflags < 0)
        return die("/proc/kpageflags");

    std::size_t resident = 0;
    std::size_t thp = 0;
    int firstThp = 0;
    long long needleAt = -1;
    int needleThp = -1;
    volatile unsigned char sink = 0;
    for (std::size_t i = 0; i < pages; ++i) {
        if ((residency[i] & 1) == 0)
            continue;
        ++resident;
        const unsigned char *page = base + i * kPage;
        sink = static_cast<unsigned char>(sink + *page); // map it: pagemap reports mapped pages
        std::uint64_t entry = 0;
        const off_t entryAt =
            static_cast<off_t>(reinterpret_cast<std::uintptr_t>(page) / kPage * sizeof entry);
        int isThp = 0;
        if (pread(pagemap, &entry, sizeof entry, entryAt) == static_cast<ssize_t>(sizeof entry) &&
            (entry >> 63) != 0) {
            const std::uint64_t pfn = entry & ((std::uint64_t{1} << 55) - 1);
            if (pfn == 0) {
                std::fprintf(stderr, "thp_probe: pagemap hides the page frame numbers (not root?)\n");
                return 2;
            }
            std::uint64_t flags = 0;
            if (pread(kpageflags, &flags, sizeof flags, static_cast<off_t>(pfn * sizeof flags)) !=
                static_cast<ssize_t>(sizeof flags))
                return die("/proc/kpageflags");
            isThp = static_cast<int>((flags >> kThpBit) & 1);
        }
        thp += static_cast<std::size_t>(isThp);
        if (i == 0)
            firstThp = isThp;
        if (needleLength > 0 && needleAt < 0) {
            const void *found =
                memmem(page, kPage, needle, static_cast<std::size_t>(needleLength));
            if (found != nullptr) {
                needleAt = static_cast<const unsigned char *>(found) - base;
                needleThp = isThp;
            }
        }
    }
    close(pagemap);
    close(kpageflags);
    shmdt(attached);

    std::printf("resident=%zu thp=%zu first_thp=%d", resident, thp, firstThp);
    if (argc == 3)
        std::printf(" needle_at=%lld needle_thp=%d", needleAt, needleThp);
    std::printf("\n");
    return 0;
}
