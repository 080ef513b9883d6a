// SPDX-License-Identifier: BSD-3-Clause
// The core's failures below the protocol state facts, and give what to do as a Remedy, never
// as a flag or a tool's name (the protocol's own are in slot_protocol_test.cpp).

#include "base/error.h"
#include "sys/ipc_names.h"
#include "sys/kernel_limits.h"
#include "sys/sysv.h"

#include "support/catch_compat.h"
#include "support/message_checks.h"

#include <functional>
#include <unistd.h>
#include <vector>

using namespace shmtools::detail;
using shmtools::Error;
using shmtools::Remedy;

namespace {

// Nobody holds it and nothing is created under it: every call below only looks.
std::string unusedKey()
{
    return "core_messages_unused_" + std::to_string(::getpid());
}

} // namespace

TEST_CASE("core failures name no flag and no tool, and carry the remedy", "[messages]")
{
    struct Row {
        const char *what;
        std::function<Error()> fail;
        Remedy remedy;
    };
    const std::vector<Row> table{
        {"an empty key", [] { return ipcNamesFor("").error(); }, Remedy::GiveKey},
        {"no segment under the key", [] { return findSegment(*ipcNamesFor(unusedKey())).error(); },
         Remedy::StartHolder},
        {"no semaphore under the key", [] { return Semaphore::open(*ipcNamesFor(unusedKey())).error(); },
         Remedy::StartHolder},
        {"a capacity beyond the kernel's limit",
         [] { return checkKernelLimits("k", std::uint64_t{1} << 62, std::nullopt).error(); }, Remedy::SmallerCapacity},
    };
    for (const Row &row : table) {
        INFO(row.what);
        const Error error = row.fail();
        INFO(error.message);
        CHECK(toolWordIn(error.message).empty());
        CHECK(error.remedy == row.remedy);
    }
}
