#!/usr/bin/env bash
# README "Performance": Ctrl-C during scripts/bench.sh (SIGINT to its process group, SIGINT not
# ignored, as at a terminal) ends it within 2 s with status 130 and leaves nothing behind: no
# process, no System V object, no /dev/shm file, nothing in its TMPDIR. Builds build-bench/ and
# loads the machine: ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/bench_common.sh"
require_bench
start_bench kept --quick
ignores_signal "$BP" 2 && fail "bench.sh was started with SIGINT ignored: the case tests nothing"
# In the middle of the measurements, while a holder of its own is running.
wait_until 800 "bench.sh measures ($(bench_log))" has_line "$W/bench.err" '^bench: pages:'
wait_until 120 "bench.sh runs a holder ($(bench_log))" bench_holder_running
interrupt_bench INT "-$BP"
check_bench_left_nothing
pass "ended $TOOK ms after Ctrl-C with status 130, nothing left"
