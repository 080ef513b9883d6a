// SPDX-License-Identifier: BSD-3-Clause
// shm-create -d whose stdout is a pipe whose reader has gone cannot print the PID: it fails and
// stops the holder it started.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace shmtest;

TEST_CASE("shm-create -d whose stdout reader has gone fails and stops the holder it started", "[detach]")
{
    const std::string key = uniqueKey("detachepipe");
    const KeyGuard guard(key);
    // stdout is a pipe whose only reader has exited (bash waits for it): printing the PID gets
    // EPIPE, or SIGPIPE if the tool does not guard against it.
    const ProcessResult result = run({"/bin/bash", "-c", "exec 1> >(exec true); wait $!; exec \"$@\"", "bash",
                                      binary(Tool::Create), "-d", "-k", key, "-s", "64K"});
    CHECK_EXIT(result, 1);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("stopped the holder (PID "));
    const std::string after = result.err.substr(result.err.find("(PID ") + 5);
    CHECK(waitGone(std::stoi(after), 30).gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
