#!/usr/bin/env bash
# README "Tests": SIGTERM to scripts/bench.sh alone (`kill PID`, timeout(1)) during its
# measurements ends it within a second with status 130 and leaves nothing behind (bash runs a trap
# only once the command in progress ends, so bench.sh waits for its measurements in the
# background). Builds build-bench/ and loads the machine: ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/bench_common.sh"
require_bench
start_bench kept --quick
ignores_signal "$BP" 2 && fail "bench.sh was started with SIGINT ignored: the case tests nothing"
# While it measures an idle follower (one step of seconds, after the wake-up latency), where a
# trap that waited for the step in progress to end would come seconds late: within 1 s.
wait_until 800 "bench.sh has measured wake-up latency ($(bench_log))" \
  has_line "$W/bench.err" '^bench: latency shm-read --follow --exec'
wait_until 60 "bench.sh measures an idle follower ($(bench_log))" bench_follower_running
interrupt_bench TERM "$BP" 1
check_bench_left_nothing
pass "ended $TOOK ms after SIGTERM with status 130, nothing left"
