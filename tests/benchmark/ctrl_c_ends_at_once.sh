#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Ctrl-C during scripts/bench.sh (SIGINT to its process group, SIGINT not ignored, as at a
# terminal), while hyperfine measures and a holder of its own runs, ends it within 2 s with status
# 130 and leaves nothing behind: no process, no System V object, no /dev/shm file, nothing in its
# TMPDIR.
. "$(dirname "$0")/bench_case.sh"
require_bench
start_bench kept
ignores_signal "$BP" 2 && fail "bench.sh was started with SIGINT ignored: the case tests nothing"
wait_until 800 "bench.sh measures ($(bench_log))" running hyperfine
wait_until 120 "bench.sh runs a holder ($(bench_log))" running shm-create
interrupt_bench INT "-$BP"
check_bench_left_nothing
pass "ended $TOOK ms after Ctrl-C with status 130, nothing left"
