// SPDX-License-Identifier: BSD-3-Clause
// "does not fit" gives exact byte counts when the rounded sizes read alike.

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

TEST_CASE("shm-load's \"does not fit\" gives exact byte counts when the rounded sizes read alike", "[size]")
{
    const std::string key = uniqueKey("exactsize");
    Holder holder(key, HolderOptions::sized("64K"));
    ScratchDir scratch;
    const std::string file = scratch.write("big.bin", randomBytes(65537));
    const ProcessResult load = loadFile(key, file);
    CHECK_EXIT(load, 6);
    CHECK_THAT(load.err, Catch::Matchers::ContainsSubstring("65537 bytes") && Catch::Matchers::ContainsSubstring("65536 bytes"));
}
