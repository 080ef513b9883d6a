// SPDX-License-Identifier: BSD-3-Clause
#include "sys/kernel_limits.h"

#include "base/size_text.h"
#include "sys/text_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace shmtools::detail {

namespace {

std::optional<std::uint64_t> readSysctl(const char *path)
{
    std::istringstream file(readTextFile(path).value_or(""));
    std::uint64_t value = 0;
    if (file >> value)
        return value;
    return std::nullopt;
}

// MemTotal + SwapTotal from /proc/meminfo, in bytes; 0 if unknown.
std::uint64_t physicalMemory()
{
    std::istringstream meminfo(readTextFile("/proc/meminfo").value_or(""));
    std::string name, unit;
    std::uint64_t kib = 0, total = 0;
    while (meminfo >> name >> kib >> unit)
        if (name == "MemTotal:" || name == "SwapTotal:")
            total += kib * 1024;
    return total;
}

} // namespace

Status checkKernelLimits(const std::string &key, std::uint64_t capacity, std::optional<std::uint64_t> segmentSize)
{
    const auto tooBig = [&](const std::string &limit) {
        return makeError(ErrorCode::Usage,
                         key + ": a capacity of " + formatSize(capacity) +
                             " needs a segment larger than the kernel allows (" + limit + ")",
                         Remedy::SmallerCapacity);
    };
    const auto shmmax = readSysctl("/proc/sys/kernel/shmmax");
    const std::string shmmaxText = shmmax ? "kernel.shmmax = " + std::to_string(*shmmax) + " bytes" : "";
    if (!segmentSize)
        return tooBig("two slots of it overflow 64 bits" + (shmmax ? "; " + shmmaxText : std::string()));
    if (shmmax && *segmentSize > *shmmax)
        return tooBig(shmmaxText);
    const auto pageSize = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t pages = *segmentSize / pageSize + 1;
    if (const auto shmall = readSysctl("/proc/sys/kernel/shmall"); shmall && pages > *shmall)
        return tooBig("kernel.shmall = " + std::to_string(*shmall) + " pages");
    // Unless the kernel overcommits without limit (vm.overcommit_memory = 1), a segment larger
    // than RAM and swap together is refused by shmget with a bare ENOMEM.
    if (readSysctl("/proc/sys/vm/overcommit_memory").value_or(0) != 1) {
        const std::uint64_t memory = physicalMemory();
        if (memory > 0 && *segmentSize > memory)
            return makeError(ErrorCode::Usage,
                             key + ": not enough memory for a capacity of " + formatSize(capacity) +
                                 " (the segment needs " + formatSize(*segmentSize) + ", RAM and swap total " +
                                 formatSize(memory) + ")",
                             Remedy::SmallerCapacity);
    }
    return {};
}

namespace {

// How many segments exist in this IPC namespace (the lines of /proc/sysvipc/shm but its title).
std::optional<std::uint64_t> segmentCount()
{
    const auto text = readTextFile("/proc/sysvipc/shm");
    if (!text)
        return std::nullopt;
    std::istringstream table(*text);
    std::string line;
    std::uint64_t lines = 0;
    while (std::getline(table, line))
        ++lines;
    return lines > 0 ? lines - 1 : 0;
}

} // namespace

Error segmentCreationError(const std::string &key, int error, std::uint64_t segmentSize)
{
    if (error == ENOSPC) {
        const auto shmmni = readSysctl("/proc/sys/kernel/shmmni");
        const auto count = segmentCount();
        if (shmmni && count && *count >= *shmmni)
            return makeError(ErrorCode::Failure,
                             key + ": cannot create a segment (ENOSPC: all " + std::to_string(*shmmni) +
                                 " segment ids are taken, kernel.shmmni); remove unused segments (ipcs -m, "
                                 "ipcrm) or raise kernel.shmmni");
        return makeError(ErrorCode::Failure,
                         key + ": cannot create a segment of " + formatSize(segmentSize) +
                             " (ENOSPC: the segments together would exceed kernel.shmall" +
                             (readSysctl("/proc/sys/kernel/shmall")
                                  ? " = " + std::to_string(*readSysctl("/proc/sys/kernel/shmall")) + " pages"
                                  : std::string()) +
                             "); remove unused segments (ipcs -m, ipcrm), raise kernel.shmall, or ask for less");
    }
    return makeError(ErrorCode::Usage,
                     key + ": cannot create a segment of " + formatSize(segmentSize) + " (" + std::strerror(error) +
                         (error == EINVAL ? ": outside kernel.shmmin..kernel.shmmax)" : ": not enough memory)"),
                     Remedy::SmallerCapacity);
}

Status requireDescriptors(const std::string &key, int count, const std::string &what)
{
    std::vector<int> opened;
    int error = 0;
    for (int i = 0; i < count && error == 0; ++i) {
        const int fd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            error = errno;
        else
            opened.push_back(fd);
    }
    for (int fd : opened)
        ::close(fd);
    if (error == 0)
        return {};
    rlimit limit{};
    const bool known = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
    if (error == EMFILE)
        return makeError(ErrorCode::Failure,
                         key + ": cannot " + what + ": it needs " + std::to_string(count) +
                             " file descriptors at once, and the descriptor limit RLIMIT_NOFILE" +
                             (known ? " (" + std::to_string(limit.rlim_cur) + ")" : std::string()) +
                             " leaves " + std::to_string(opened.size()) +
                             "; raise it with 'ulimit -n' (or close descriptors)");
    return makeError(ErrorCode::Failure, key + ": cannot " + what + ": no file descriptor can be opened (" +
                                             std::strerror(error) + ")");
}

} // namespace shmtools::detail
