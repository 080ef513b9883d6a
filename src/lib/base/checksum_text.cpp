// SPDX-License-Identifier: BSD-3-Clause
#include "base/checksum_text.h"

#include <cstdio>

namespace shmtools::detail {

std::string formatChecksum(std::uint64_t digest)
{
    char text[32];
    std::snprintf(text, sizeof text, "xxh3:%016llx", static_cast<unsigned long long>(digest));
    return text;
}

} // namespace shmtools::detail
