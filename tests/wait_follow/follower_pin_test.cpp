// SPDX-License-Identifier: BSD-3-Clause
// A follower gives its pin back even while another process holds the segment lock.

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

TEST_CASE("a follower gives its pin back even while another process holds the lock", "[pins]")
{
    const std::string key = uniqueKey("pinback");
    Holder holder(key, HolderOptions::sized("4M"));
    const std::string content = randomBytes(3u << 20);
    // Its stdout is not drained yet: once the version comes, it stays in write(), pinned.
    Child follower(Tool::Read, {"-k", key, "--follow", "-t", "1"});
    REQUIRE(waitUntil([&] { return sleepsIn(follower.pid(), {"futex"}); }, 20));
    REQUIRE_EXIT(loadStdin(key, content), 0);
    LiveSegment segment(key);
    REQUIRE(waitUntil([&] { return hasPin(segment.header(), follower.pid()); }, 20));
    Child locker(Tool::QtPeer, {"hold-lock", key, "60"});
    REQUIRE(locker.waitFor(1, "locked", 20));
    // Now the follower finishes writing while the lock is busy.
    REQUIRE(follower.waitFor(1, content.substr(content.size() - 64), 30));
    CHECK(waitUntil([&] { return !hasPin(segment.peek(), follower.pid()); }, 10));
    locker.signal(SIGTERM);
    CHECK_EXIT(locker.wait(20), 0);
}
