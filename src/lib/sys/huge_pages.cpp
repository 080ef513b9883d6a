#include "sys/huge_pages.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

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
    if (size < kHugePageSize || !shmemHugePagesAvailable())
        return ::shmat(shmid, nullptr, flags);
    // Reserve enough address space to find a 2 MiB boundary in it, map the segment over the
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
    // Best effort: without it (an old kernel) the pages are small and everything still works.
    ::madvise(address, span, MADV_HUGEPAGE);
    return address;
}

bool mappedByHugePages(const unsigned char *start, std::uint64_t offset, std::uint64_t length)
{
    const std::uint64_t sample = std::min(length, kHugePageSize);
    if (sample > 0) {
        const auto first = reinterpret_cast<std::uintptr_t>(start + offset) & ~std::uintptr_t{kSmallPage - 1};
        const auto last = reinterpret_cast<std::uintptr_t>(start + offset + sample);
        ::madvise(reinterpret_cast<void *>(first), pageRound(last - first), MADV_POPULATE_READ);
    }
    std::ifstream smaps("/proc/self/smaps");
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
        if (!inMapping)
            continue;
        unsigned long kib = 0;
        if ((std::sscanf(line.c_str(), "ShmemPmdMapped: %lu kB", &kib) == 1 ||
             std::sscanf(line.c_str(), "FilePmdMapped: %lu kB", &kib) == 1) &&
            kib > 0)
            return true;
    }
    return false;
}
