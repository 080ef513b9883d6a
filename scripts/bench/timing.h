// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// What the helper programs of scripts/bench.sh share:
// a monotonic clock in nanoseconds and the median of samples.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

inline std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::int64_t median(std::vector<std::int64_t> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
