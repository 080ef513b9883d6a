// SPDX-License-Identifier: BSD-3-Clause
// listSegments (the core of shm-read --list) shows this user's segments, live and orphaned.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
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

TEST_CASE("listSegments shows this user's segments, live and orphaned", "[list]")
{
    const std::string liveKey = uniqueKey("listlive"), orphanKey = uniqueKey("listorphan");
    KeyGuard orphanGuard(orphanKey);
    Holder live(liveKey, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(liveKey, "one"), 0);
    REQUIRE_EXIT(loadStdin(liveKey, "two"), 0);
    Holder doomed(orphanKey, HolderOptions::sized("128K")); // removes the orphan at the end
    rememberIpc(orphanKey);
    REQUIRE(doomed.stop(SIGKILL).gone);
    auto listed = listSegments();
    REQUIRE(listed.ok());
    const auto find = [&](const std::string &key) -> const ListedSegment * {
        for (const ListedSegment &segment : *listed)
            if (segment.key == key)
                return &segment;
        return nullptr;
    };
    const ListedSegment *liveEntry = find(liveKey);
    REQUIRE(liveEntry);
    CHECK(liveEntry->holderPid == live.pid());
    CHECK(liveEntry->holderAlive);
    CHECK(liveEntry->generation == 2);
    CHECK(liveEntry->capacity == 64 * 1024);
    CHECK(liveEntry->shmid == currentShmid(liveKey));
    const ListedSegment *orphanEntry = find(orphanKey);
    REQUIRE(orphanEntry);
    CHECK_FALSE(orphanEntry->holderAlive);
    CHECK(orphanEntry->capacity == 128 * 1024);
}
