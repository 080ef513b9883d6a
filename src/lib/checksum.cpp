#include "checksum.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "checksum_avx2.h"

#include <cstdio>

namespace {
const bool g_haveAvx2 = __builtin_cpu_supports("avx2");
} // namespace

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
    if (g_haveAvx2)
        xxh3UpdateAvx2(&m_state->xxh, data, length);
    else
        XXH3_64bits_update(&m_state->xxh, data, length);
}

std::uint64_t Checksum::digest() const
{
    return XXH3_64bits_digest(&m_state->xxh);
}

std::uint64_t Checksum::of(const void *data, std::size_t length)
{
    return g_haveAvx2 ? xxh3Avx2(data, length) : XXH3_64bits(data, length);
}

std::string Checksum::format(std::uint64_t digest)
{
    char text[32];
    std::snprintf(text, sizeof text, "xxh3:%016llx", static_cast<unsigned long long>(digest));
    return text;
}
