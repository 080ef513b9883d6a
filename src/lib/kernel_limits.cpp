#include "kernel_limits.h"

#include "size_text.h"

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

} // namespace

Status checkKernelLimits(const std::string &key, std::uint64_t capacity, std::optional<std::uint64_t> segmentSize)
{
    const auto tooBig = [&](const std::string &limit) {
        return makeError(ExitCode::Usage, key + ": a capacity of " + formatSize(capacity) +
                                              " needs a segment larger than the kernel allows (" + limit +
                                              "); use a smaller -s");
    };
    if (!segmentSize)
        return tooBig("it overflows 64 bits");
    if (const auto shmmax = readSysctl("/proc/sys/kernel/shmmax"); shmmax && *segmentSize > *shmmax)
        return tooBig("kernel.shmmax = " + std::to_string(*shmmax) + " bytes");
    const auto pageSize = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t pages = *segmentSize / pageSize + 1;
    if (const auto shmall = readSysctl("/proc/sys/kernel/shmall"); shmall && pages > *shmall)
        return tooBig("kernel.shmall = " + std::to_string(*shmall) + " pages");
    return Done{};
}
