// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Private to checksum.cpp: the AVX2 build of XXH3 (checksum_avx2.cpp).

#include <cstddef>
#include <cstdint>

struct XXH3_state_s;

namespace shmtools::detail {

void xxh3UpdateAvx2(XXH3_state_s *state, const void *data, std::size_t length);
std::uint64_t xxh3Avx2(const void *data, std::size_t length);

} // namespace shmtools::detail
