// SPDX-License-Identifier: BSD-3-Clause
// Many readers at once: 100 concurrent shm-read all succeed (more than the 64 pins: the rest wait).

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

TEST_CASE("100 concurrent readers all succeed", "[readers]")
{
    constexpr int kReaders = 100;
    const std::string key = uniqueKey("readers");
    Holder holder(key, HolderOptions::sized("4M"));
    // More than a pipe holds, even one a reader enlarges to 1 MiB: every reader stays pinned
    // until the test drains its output, so all of them want a pin at once.
    const std::string content = randomBytes(2u << 20);
    REQUIRE_EXIT(loadStdin(key, content), 0);
    std::vector<std::unique_ptr<Child>> readers;
    for (int i = 0; i < kReaders; ++i)
        readers.push_back(std::make_unique<Child>(Tool::Read, std::vector<std::string>{"-k", key, "-t", "60"}));
    int ok = 0;
    for (auto &reader : readers) {
        const ProcessResult result = reader->wait(120);
        INFO(describe(result));
        CHECK(result.exited(0));
        if (result.exited(0) && result.out == content)
            ++ok;
        reader.reset(); // its output is no longer needed
    }
    CHECK(ok == kReaders);
}
