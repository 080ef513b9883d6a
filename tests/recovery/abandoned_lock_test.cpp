// SPDX-License-Identifier: BSD-3-Clause
// A lock left taken by a process that exited without SEM_UNDO is released by the holder; until
// then the tools say that its taker exited.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace shmtest;

TEST_CASE("a lock left taken by a process that exited without SEM_UNDO is released by the holder", "[lock]")
{
    const std::string key = uniqueKey("abandonedlock");
    const KeyGuard guard(key);
    Child holder(Tool::Create, {"-k", key, "-s", "64K"});
    REQUIRE(holder.waitFor(2, "ready", 30));
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    const int semid = currentSemid(key);
    REQUIRE(semid != -1);

    // Stopped, the holder cannot release the lock before the tools have seen it taken.
    REQUIRE(holder.signal(SIGSTOP));
    const pid_t taker = ::fork();
    REQUIRE(taker >= 0);
    if (taker == 0) {
        sembuf take{0, -1, 0}; // no SEM_UNDO: the lock outlives this process
        ::_exit(::semop(semid, &take, 1) == 0 ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(taker, &status, 0) == taker);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));

    const ProcessResult stuck = readContent(key, {"-t", "0.5"});
    CHECK_EXIT(stuck, 7);
    CHECK_THAT(stuck.err, Catch::Matchers::ContainsSubstring("PID " + std::to_string(taker)) &&
                              Catch::Matchers::ContainsSubstring("exited without giving it back"));

    REQUIRE(holder.signal(SIGCONT));
    CHECK(holder.waitFor(2, "released it", 30));
    const ProcessResult read = readContent(key, {"-t", "10"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "kept");
    holder.signal(SIGTERM);
    CHECK(holder.wait(30).exited(0));
}
