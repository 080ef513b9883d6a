// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/error.h"

#include <cstdint>
#include <optional>
#include <string>

namespace shmtools::detail {

/// Usage error naming the kernel limit (kernel.shmmax, kernel.shmall, or RAM plus swap where
/// the kernel does not overcommit) that a segment of `segmentSize` bytes would exceed; a
/// nullopt size means the capacity overflows 64 bits.
Status checkKernelLimits(const std::string &key, std::uint64_t capacity, std::optional<std::uint64_t> segmentSize);

/// What shmget(IPC_CREAT) failing with `error` for a segment of `segmentSize` bytes means: a
/// line naming the limit (ENOSPC: kernel.shmmni when every segment id is taken, else
/// kernel.shmall; ENOMEM/EINVAL: the memory or size) and the remedy. Usage for a size the user
/// can change, Failure for a system-wide limit that a smaller size would not help.
Error segmentCreationError(const std::string &key, int error, std::uint64_t segmentSize);

/// Failure naming RLIMIT_NOFILE and `ulimit -n` ("KEY: cannot WHAT: ...") unless `count` more
/// file descriptors can be opened at once now (each is opened and closed again): for work that
/// needs several at a time and could not tell "no descriptor" from "no" halfway through.
Status requireDescriptors(const std::string &key, int count, const std::string &what);

} // namespace shmtools::detail
