// SPDX-License-Identifier: BSD-3-Clause
// A loader waiting on a pinned reader or on another loader's claim goes on as soon as that
// process dies, not at its timeout.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/proc_state_support.h"
#include "support/segment_support.h"

#include "sys/futex.h"
#include "protocol/segment_list.h"

#include "support/catch_compat.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;

using namespace shmtest;

namespace {

// "Promptly" on a loaded 2-core machine under the sanitizers, far below the timeouts given.
constexpr double kPrompt = 3;
const std::string kLongTimeout = "20";

} // namespace

TEST_CASE("a loader waiting on a pinned reader goes on as soon as that reader dies", "[wake]")
{
    const std::string key = uniqueKey("pindeath");
    Holder holder(key, HolderOptions::sized("4M"));
    REQUIRE_EXIT(loadStdin(key, randomBytes(3u << 20)), 0);
    Child stuck(Tool::Read, {"-k", key}); // its stdout is never read: it stays pinned
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasPin(segment.header(), stuck.pid()); }, 20));
    }
    REQUIRE_EXIT(loadStdin(key, randomBytes(1000)), 0); // into the other slot
    const std::string last = randomBytes(2000);
    Child loader(Tool::Load, {"-k", key, "-t", kLongTimeout, "-"});
    loader.writeStdin(last);
    loader.closeStdin();
    REQUIRE(waitUntil([&] { return sleepsIn(loader.pid(), {"futex"}) || !loader.running(); }, 20));
    REQUIRE(loader.running()); // waiting for the pinned slot
    const double killedAt = now();
    REQUIRE(stuck.signal(SIGKILL));
    const ProcessResult loaded = loader.wait(30);
    CHECK_EXIT(loaded, 0);
    CHECK(now() - killedAt < kPrompt);
    CHECK(readContent(key).out == last);
}

TEST_CASE("a loader waiting on another loader's claim goes on as soon as that loader dies", "[wake]")
{
    const std::string key = uniqueKey("claimdeath");
    Holder holder(key, HolderOptions::sized("64K"));
    Child first(Tool::Load, {"-k", key, "-"}); // its stdin stays open: it holds its claim
    first.writeStdin("partial");
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasClaim(segment.header(), first.pid()); }, 20));
    }
    Child second(Tool::Load, {"-k", key, "-t", kLongTimeout, "-"});
    second.writeStdin("second");
    second.closeStdin();
    REQUIRE(waitUntil([&] { return sleepsIn(second.pid(), {"futex"}) || !second.running(); }, 20));
    REQUIRE(second.running());
    const double killedAt = now();
    REQUIRE(first.signal(SIGKILL));
    CHECK_EXIT(second.wait(30), 0);
    CHECK(now() - killedAt < kPrompt);
    CHECK(readContent(key).out == "second");
}
