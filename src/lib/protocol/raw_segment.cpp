// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/raw_segment.h"

#include "protocol/segment_attach.h"
#include "format/segment_layout.h"
#include "base/size_text.h"
#include "sys/sysv.h"
#include "sys/write_fully.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace shmtools::detail {

namespace {

using RawTarget = AttachedSegment;

Result<RawTarget> openRaw(const IpcNames &names, const Deadline &deadline)
{
    return attachSegment(names, deadline);
}

bool hasShmToolsMagic(const SegmentMapping &mapping)
{
    return mapping.size() >= sizeof layout::kMagic &&
           std::memcmp(mapping.data(), layout::kMagic, sizeof layout::kMagic) == 0;
}

Error shmToolsSegment(const IpcNames &names, const char *why)
{
    return makeError(ErrorCode::InvalidContent, names.key + ": the segment is a shm-tools segment, not a plain Qt one (" +
                                                   why + ")",
                     Remedy::UseWithoutRaw);
}

} // namespace

Result<std::uint64_t> rawLoad(const IpcNames &names, InputSource &input, double lockTimeout)
{
    // Waits for a repair, if its holder is making one, within the same -t as the lock.
    auto target = openRaw(names, Deadline::after(lockTimeout));
    if (!target)
        return target.error();
    if (hasShmToolsMagic(target->mapping))
        return shmToolsSegment(names, "writing raw bytes would destroy its header");
    const std::uint64_t room = target->status.size - 1; // the NUL terminator needs a byte
    // The input is read before locking, so a slow producer never holds the lock; raw segments
    // are small (the seed example's was 10 KiB).
    std::vector<unsigned char> content(room + 1);
    std::uint64_t total = 0;
    for (;;) {
        auto n = input.read(content.data() + total, content.size() - total);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        total += *n;
        if (total > room)
            return makeError(ErrorCode::TooLarge, names.key + ": " + input.name() + " does not fit the raw segment (" +
                                                     formatSize(target->status.size) +
                                                     " including the terminating NUL); nothing was written",
                             Remedy::LargerCapacity);
    }
    auto lock = target->semaphore.lock(Deadline::after(lockTimeout));
    if (!lock)
        return lock.error();
    std::memcpy(target->mapping.data(), content.data(), total);
    target->mapping.data()[total] = 0;
    return total;
}

Result<std::uint64_t> rawRead(const IpcNames &names, int fd, bool all, double lockTimeout)
{
    const Deadline deadline = Deadline::after(lockTimeout);
    auto target = openRaw(names, deadline);
    if (!target)
        return target.error();
    // Both directions refuse alike: its raw bytes are a header and two slots, not a Qt peer's
    // content, and reading them without the protocol could also catch a torn version.
    if (hasShmToolsMagic(target->mapping))
        return shmToolsSegment(names, "its raw bytes are a header and slots, not content");
    std::vector<unsigned char> copy;
    {
        auto lock = target->semaphore.lock(deadline);
        if (!lock)
            return lock.error();
        const unsigned char *begin = target->mapping.data();
        const unsigned char *end = begin + target->mapping.size();
        copy.assign(begin, all ? end : std::find(begin, end, 0));
    }
    if (const int error = writeFully(fd, copy.data(), copy.size()); error == EINTR)
        return makeError(ErrorCode::Interrupted, "output: interrupted while writing");
    else if (error != 0)
        return makeError(ErrorCode::Failure, std::string("output: ") + std::strerror(error));
    return copy.size();
}

} // namespace shmtools::detail
