// SPDX-License-Identifier: BSD-3-Clause
#include "sys/huge_pages.h"
#include "sys/text_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {

constexpr std::uint64_t kSmallPage = 4096;

std::uint64_t pageRound(std::uint64_t bytes)
{
    return (bytes + kSmallPage - 1) / kSmallPage * kSmallPage;
}

// The setting in brackets, e.g. "always within_size advise [never] deny force" -> "never". Read
// with plain system calls: every attach asks, and a stream costs ten times as much.
std::string selectedSetting(const char *path)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    char text[256];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return {};
    const std::string line(text, static_cast<std::size_t>(n));
    const auto open = line.find('['), close = line.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open)
        return line.substr(0, line.find_first_of(" \n")); // a kernel that prints only the value
    return line.substr(open + 1, close - open - 1);
}

} // namespace

bool shmemHugePagesAvailable()
{
    const std::string setting = selectedSetting("/sys/kernel/mm/transparent_hugepage/shmem_enabled");
    return setting == "advise" || setting == "within_size" || setting == "always" || setting == "force";
}

void *attachSegmentMemory(int shmid, std::uint64_t size, MappingAccess access)
{
    const int flags = access == MappingAccess::ReadOnly ? SHM_RDONLY : 0;
    if (size < kHugePageSize)
        return ::shmat(shmid, nullptr, flags);
    // Aligned whatever the setting: pages made huge while it allowed them stay huge after it is
    // switched off, and only an aligned mapping maps them huge (one entry per 2 MiB). Reserve
    // enough address space to find a 2 MiB boundary in it, map the segment over the
    // reservation there (SHM_REMAP), then give back what is left on either side.
    const std::uint64_t span = pageRound(size);
    const std::uint64_t reservedLength = span + kHugePageSize;
    void *reserved = ::mmap(nullptr, reservedLength, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserved == MAP_FAILED)
        return ::shmat(shmid, nullptr, flags);
    const auto base = reinterpret_cast<std::uintptr_t>(reserved);
    const std::uintptr_t aligned = (base + kHugePageSize - 1) & ~std::uintptr_t{kHugePageSize - 1};
    void *address = ::shmat(shmid, reinterpret_cast<void *>(aligned), flags | SHM_REMAP);
    if (address == reinterpret_cast<void *>(-1)) {
        const int error = errno;
        ::munmap(reserved, reservedLength);
        errno = error;
        return address;
    }
    if (aligned > base)
        ::munmap(reserved, aligned - base);
    const std::uintptr_t end = aligned + span, reservedEnd = base + reservedLength;
    if (reservedEnd > end)
        ::munmap(reinterpret_cast<void *>(end), reservedEnd - end);
    // Asked only where the kernel gives them: elsewhere new pages stay small, as without us.
    // Best effort: without it (an old kernel) the pages are small and everything still works.
    if (shmemHugePagesAvailable())
        ::madvise(address, span, MADV_HUGEPAGE);
    return address;
}

namespace {

// ShmemPmdMapped (or FilePmdMapped) of this process's mapping that starts at `start`, in KiB.
unsigned long pmdMappedKib(const unsigned char *start)
{
    std::istringstream smaps(readTextFile("/proc/self/smaps").value_or(""));
    const auto wanted = reinterpret_cast<std::uintptr_t>(start);
    bool inMapping = false;
    std::string line;
    while (std::getline(smaps, line)) {
        unsigned long from = 0, to = 0;
        // A mapping's first line: "from-to perms offset dev inode [path]".
        if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find(':') > line.find(' ')) {
            if (inMapping)
                break;
            inMapping = from == wanted;
            continue;
        }
        unsigned long kib = 0;
        if (inMapping && (std::sscanf(line.c_str(), "ShmemPmdMapped: %lu kB", &kib) == 1 ||
                          std::sscanf(line.c_str(), "FilePmdMapped: %lu kB", &kib) == 1) && kib > 0)
            return kib;
    }
    return 0;
}

} // namespace

bool hugePageAt(int shmid, std::uint64_t segmentSize, std::uint64_t offset)
{
    if (segmentSize < kHugePageSize || offset >= segmentSize)
        return false;
    auto *base = static_cast<unsigned char *>(attachSegmentMemory(shmid, segmentSize, MappingAccess::ReadOnly));
    if (base == reinterpret_cast<void *>(-1))
        return false;
    const std::uint64_t span = pageRound(segmentSize);
    const std::uint64_t blockStart = offset / kHugePageSize * kHugePageSize;
    const std::uint64_t blockEnd = std::min(blockStart + kHugePageSize, span);
    // Only that block stays mapped, so smaps' figure for the mapping is the block's alone.
    if (blockStart > 0)
        ::munmap(base, blockStart);
    if (blockEnd < span)
        ::munmap(base + blockEnd, span - blockEnd);
    unsigned char *block = base + blockStart;
    // One page that exists (nothing is allocated); the kernel maps a huge page it lies in whole.
    const std::uint64_t page = offset / kSmallPage * kSmallPage;
    ::madvise(base + page, kSmallPage, MADV_POPULATE_READ);
    const bool huge = reinterpret_cast<std::uintptr_t>(block) % kHugePageSize == 0 && pmdMappedKib(block) > 0;
    ::munmap(block, blockEnd - blockStart);
    return huge;
}

} // namespace shmtools::detail
