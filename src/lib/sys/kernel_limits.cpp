#include "sys/kernel_limits.h"

#include "base/size_text.h"

#include <fstream>
#include <unistd.h>

namespace {

std::optional<std::uint64_t> readSysctl(const char *path)
{
    std::ifstream file(path);
    std::uint64_t value = 0;
    if (file >> value)
        return value;
    return std::nullopt;
}

// MemTotal + SwapTotal from /proc/meminfo, in bytes; 0 if unknown.
std::uint64_t physicalMemory()
{
    std::ifstream meminfo("/proc/meminfo");
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
        return makeError(ExitCode::Usage,
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
            return makeError(ExitCode::Usage,
                             key + ": not enough memory for a capacity of " + formatSize(capacity) +
                                 " (the segment needs " + formatSize(*segmentSize) + ", RAM and swap total " +
                                 formatSize(memory) + ")",
                             Remedy::SmallerCapacity);
    }
    return Done{};
}
