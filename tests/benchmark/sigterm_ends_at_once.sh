#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SIGTERM to scripts/bench.sh alone (`kill PID`, timeout(1)) while it measures an idle follower
# (one step of seconds, where a trap that waited for the step in progress would come seconds
# late) ends it within a second with status 130 and leaves nothing behind: bash runs a trap only
# once the command in progress ends, so bench.sh waits for its measurements in the background and
# stops them in its cleanup.
. "$(dirname "$0")/bench_case.sh"
require_bench
start_bench kept
ignores_signal "$BP" 2 && fail "bench.sh was started with SIGINT ignored: the case tests nothing"
wait_until 800 "bench.sh measures an idle follower ($(bench_log))" idle_follower_running
interrupt_bench TERM "$BP" 1
check_bench_left_nothing
pass "ended $TOOK ms after SIGTERM with status 130, nothing left"
