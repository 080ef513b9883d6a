// SPDX-License-Identifier: BSD-3-Clause
// A segment of format version 1 (an older shm-tools) is named, live or orphaned, never misread.

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

TEST_CASE("a segment of format version 1 is named, live or orphaned", "[version]")
{
    const std::string key = uniqueKey("oldformat");
    Holder holder(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "v1"), 0);
    {
        LiveSegment segment(key);
        segment.edit([](layout::SegmentHeader &h) { h.formatVersion = 1; });
    }
    const ProcessResult read = readContent(key, {"-t", "3"});
    CHECK_EXIT(read, 8);
    CHECK_THAT(read.err, Catch::Matchers::ContainsSubstring("another version of shm-tools") && Catch::Matchers::ContainsSubstring("format version 1"));
    const ProcessResult create = run(Tool::Create, {"-d", "-q", "-k", key, "-s", "64K", "-t", "3"});
    CHECK_EXIT(create, 4);
    CHECK(containsWord(create.err, std::to_string(holder.pid())));
    if (create.exited(0))
        ::kill(std::stoi(create.out), SIGTERM);
}
