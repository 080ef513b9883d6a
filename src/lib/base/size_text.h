// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstdint>
#include <string>

namespace shmtools::detail {

/// A size for people: "16.0 MiB", "512 bytes".
std::string formatSize(std::uint64_t bytes);

/// Seconds for people: "10", "0.5", "2.25".
std::string formatSeconds(double seconds);

} // namespace shmtools::detail
