#pragma once

#include <shmtools/error.h>

#include <cstdint>
#include <string>

/// Parses a positive byte count: "4096", "64K", "16M", "1G" (powers of 1024; CLI11's unit table,
/// so "16MiB" and "16m" work too). Fails with ErrorCode::Usage for 0, negatives, fractions,
/// unknown units and overflow.
shmtools::Result<std::uint64_t> parseSize(const std::string &text);
