// SPDX-License-Identifier: BSD-3-Clause
// Real holders for the unit files that need one under a scratch key: in this process, or in a
// child (ready, then released or killed) when a case needs another process or an orphan.
#pragma once

#include "protocol/holder.h"

#include "unit_support.h"

#include <memory>

namespace unit {

/// The capacity the unit files' holders have unless a case needs another.
constexpr std::uint64_t kHolderCapacity = 4096;

/// A holder of `names` in this process: a shm-tools segment of `capacity` bytes, or with `raw` a
/// Qt-compatible one of exactly that size.
inline std::unique_ptr<shmtools::detail::Holder> startHolder(const shmtools::detail::IpcNames &names,
                                                              std::uint64_t capacity = kHolderCapacity,
                                                              bool raw = false)
{
    shmtools::HolderOptions options;
    options.capacity = capacity;
    options.raw = raw;
    auto holder = shmtools::detail::Holder::start(names, options);
    REQUIRE(holder);
    return std::move(*holder);
}

/// The body of a child holding `names` (as startHolder) from ready until released, or killed;
/// it exits 1 if the holder cannot start.
inline ChildProcess::Body holderInChild(const shmtools::detail::IpcNames &names,
                                        std::uint64_t capacity = kHolderCapacity, bool raw = false)
{
    return [names, capacity, raw](int readyFd, int releaseFd) {
        shmtools::HolderOptions options;
        options.capacity = capacity;
        options.raw = raw;
        auto holder = shmtools::detail::Holder::start(names, options);
        if (!holder)
            return 1;
        ChildProcess::tellReady(readyFd);
        ChildProcess::waitForRelease(releaseFd);
        return 0;
    };
}

} // namespace unit
