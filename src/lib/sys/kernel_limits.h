#pragma once

#include "base/result.h"

#include <cstdint>
#include <optional>
#include <string>

/// Usage error naming the kernel limit (kernel.shmmax, kernel.shmall, or RAM plus swap where
/// the kernel does not overcommit) that a segment of `segmentSize` bytes would exceed; a
/// nullopt size means the capacity overflows 64 bits.
Status checkKernelLimits(const std::string &key, std::uint64_t capacity, std::optional<std::uint64_t> segmentSize);
