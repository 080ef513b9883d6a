// SPDX-License-Identifier: BSD-3-Clause
// What the kernel's limits on System V segments mean for a capacity, in words: each message
// names the limit and the key, and whether a smaller capacity would help (Usage) or not (Failure).
#include "sys/kernel_limits.h"

#include "support/catch_compat.h"
#include "support/message_checks.h"

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using shmtools::Remedy;

namespace {

std::optional<std::uint64_t> sysctl(const char *path)
{
    std::ifstream file(path);
    std::uint64_t value = 0;
    if (file >> value)
        return value;
    return std::nullopt;
}

bool contains(const std::string &text, const std::string &part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("kernel limits: a small segment fits", "[kernel_limits]")
{
    CHECK(checkKernelLimits("k", 4096, std::uint64_t{8192}));
}

TEST_CASE("kernel limits: a capacity whose two slots overflow 64 bits is a usage error", "[kernel_limits]")
{
    const auto refused = checkKernelLimits("big", std::numeric_limits<std::uint64_t>::max(), std::nullopt);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Usage);
    CHECK(refused.error().remedy == Remedy::SmallerCapacity);
    CHECK(contains(refused.error().message, "big: a capacity of 16.0 EiB"));
    CHECK(contains(refused.error().message, "overflow 64 bits"));
    CHECK(toolWordIn(refused.error().message).empty());
}

TEST_CASE("kernel limits: a segment above kernel.shmmax names it and its value", "[kernel_limits]")
{
    const auto shmmax = sysctl("/proc/sys/kernel/shmmax");
    if (!shmmax || *shmmax == std::numeric_limits<std::uint64_t>::max())
        SKIP("kernel.shmmax cannot be read or cannot be exceeded here");
    const auto refused = checkKernelLimits("k", *shmmax, *shmmax + 1);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Usage);
    CHECK(contains(refused.error().message, "kernel.shmmax = " + std::to_string(*shmmax) + " bytes"));
}

TEST_CASE("kernel limits: shmget's refusals are told by cause", "[kernel_limits]")
{
    SECTION("EINVAL: outside shmmin..shmmax, a smaller capacity helps")
    {
        const auto error = segmentCreationError("k", EINVAL, 1u << 20);
        CHECK(error.code == ErrorCode::Usage);
        CHECK(error.remedy == Remedy::SmallerCapacity);
        CHECK(contains(error.message, "k: cannot create a segment of 1.0 MiB"));
        CHECK(contains(error.message, "kernel.shmmin..kernel.shmmax"));
    }
    SECTION("ENOMEM: not enough memory")
    {
        const auto error = segmentCreationError("k", ENOMEM, 1u << 20);
        CHECK(error.code == ErrorCode::Usage);
        CHECK(contains(error.message, "not enough memory"));
    }
    SECTION("ENOSPC: a system-wide limit, which a smaller capacity may not cure")
    {
        const auto error = segmentCreationError("k", ENOSPC, 1u << 20);
        CHECK(error.code == ErrorCode::Failure);
        CHECK(contains(error.message, "k: cannot create a segment"));
        CHECK((contains(error.message, "kernel.shmall") || contains(error.message, "kernel.shmmni")));
        CHECK(contains(error.message, "ipcrm"));
    }
}
