// SPDX-License-Identifier: BSD-3-Clause
// XXH3 built for AVX2 (this file only is compiled with -mavx2); checksum.cpp calls it when the
// CPU has AVX2, which hashes about twice as fast as the SSE2 baseline every x86-64 has.
// src/lib/CMakeLists.txt builds it for x86-64 targets only.
#if !defined(__x86_64__)
#error "checksum_avx2.cpp is for x86-64 targets only: src/lib/CMakeLists.txt must leave it out"
#endif

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "format/checksum_avx2.h"

namespace shmtools::detail {

void xxh3UpdateAvx2(XXH3_state_s *state, const void *data, std::size_t length)
{
    XXH3_64bits_update(state, data, length);
}

std::uint64_t xxh3Avx2(const void *data, std::size_t length)
{
    return XXH3_64bits(data, length);
}

} // namespace shmtools::detail
