// SPDX-License-Identifier: BSD-3-Clause
#include "format/checksum.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

// SHM_XXH3_AVX2 comes from src/lib/CMakeLists.txt on x86-64 targets only, where checksum_avx2.cpp is
// built. Elsewhere XXH3 uses what the target always has (SSE2, NEON, ...), chosen at compile time.
#ifdef SHM_XXH3_AVX2
#include "format/checksum_avx2.h"

#include <sys/platform/x86.h>

namespace {
// glibc's record of the CPU, made when the process started: no CPUID here. In a virtual machine
// every CPUID traps to the hypervisor, and __builtin_cpu_supports would link libgcc's own
// detector into the library, which issues a dozen of them whenever the library is loaded: a
// visible share of a small read's start-up (README, "Performance"). "Active" means the CPU has
// AVX2 and the kernel saves its registers.
const bool g_haveAvx2 = CPU_FEATURE_ACTIVE(AVX2);
} // namespace
#endif

namespace shmtools::detail {

struct Checksum::State {
    XXH3_state_t xxh;
};

Checksum::Checksum() : m_state(std::make_unique<State>())
{
    XXH3_64bits_reset(&m_state->xxh);
}

Checksum::~Checksum() = default;

void Checksum::update(const void *data, std::size_t length)
{
#ifdef SHM_XXH3_AVX2
    if (g_haveAvx2) {
        xxh3UpdateAvx2(&m_state->xxh, data, length);
        return;
    }
#endif
    XXH3_64bits_update(&m_state->xxh, data, length);
}

std::uint64_t Checksum::digest() const
{
    return XXH3_64bits_digest(&m_state->xxh);
}

std::uint64_t Checksum::of(const void *data, std::size_t length)
{
#ifdef SHM_XXH3_AVX2
    if (g_haveAvx2)
        return xxh3Avx2(data, length);
#endif
    return XXH3_64bits(data, length);
}

} // namespace shmtools::detail
