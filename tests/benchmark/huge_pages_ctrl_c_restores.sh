#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `scripts/bench.sh --huge-pages` restores shmem_enabled on exit: Ctrl-C (SIGINT to its process
# group) during its huge-page phase ends it within 2 s with status 130, shmem_enabled is back to
# what it was, and nothing is left behind. Switches shmem_enabled for the whole machine (restored
# by this test's cleanup too): label `system`.
. "$(dirname "$0")/bench_case.sh"
require_thp_switch
require_bench
thp_set never
start_bench kept --huge-pages
ignores_signal "$BP" 2 && fail "bench.sh was started with SIGINT ignored: the case tests nothing"
wait_until 800 "bench.sh measures with huge pages ($(bench_log))" has_line "$W/bench.err" '^bench: pages: huge'
wait_until 120 "bench.sh runs a holder ($(bench_log))" running shm-create
during=$(thp_now)
[ "$during" = advise ] || fail "shmem_enabled is $during during the huge-page phase, not advise"
interrupt_bench INT "-$BP"
after=$(thp_now)
[ "$after" = never ] || fail "shmem_enabled is $after after Ctrl-C, was never"
check_bench_left_nothing
pass "ended $TOOK ms after Ctrl-C with status 130, shmem_enabled back to never, nothing left"
