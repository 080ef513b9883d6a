// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstdint>
#include <string>

namespace shmtools::detail {

/// A checksum as users and JSON see it: "xxh3:0123456789abcdef".
std::string formatChecksum(std::uint64_t digest);

} // namespace shmtools::detail
