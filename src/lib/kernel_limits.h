#pragma once

#include "result.h"

#include <cstdint>
#include <optional>
#include <string>

/// Usage error naming the kernel limit (kernel.shmmax, kernel.shmall) that a segment of
/// `segmentSize` bytes would exceed, or nullopt size (the capacity overflows 64 bits).
Status checkKernelLimits(const std::string &key, std::uint64_t capacity, std::optional<std::uint64_t> segmentSize);
