#!/usr/bin/env bash
# README "Performance": scripts/bench.sh is a script like the others. Started from a script as a
# background job (`scripts/bench.sh --quick &`, so SIGINT is ignored, and stays ignored in the
# tools), it completes with exit 0, prints its tables, and leaves nothing behind: no process, no
# System V object, no /dev/shm file, nothing in its TMPDIR. Builds build-bench/ and loads the
# machine for a minute or two: ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/bench_common.sh"
require_bench
start_bench ignored --quick
# The shell sets SIGINT ignored in its child before the exec: wait for it, as it may not be yet.
poll_until 10 ignores_signal "$BP" 2 || fail "the background bench.sh does not ignore SIGINT: the case tests nothing"
finish_bench
[ "$RC" = 0 ] || fail "bench.sh --quick with SIGINT ignored: exit $RC: $(bench_log)"
for table in "Host floor" "Against the targets"; do
  grep -q "$table" "$W/bench.out" || fail "no '$table' table in its output: $(head -c 300 "$W/bench.out")"
done
# A quick run checks its page-size targets at its largest size, 64 MiB (with 4 KiB pages here):
# each with a verdict, none "not measured".
measured=$(grep -c '(64 MiB, 4 KiB pages).*met' "$W/bench.out" || true)
[ "$measured" = 3 ] || fail "$measured of the 3 targets with 4 KiB pages have a verdict at 64 MiB: $(grep '4 KiB pages)' "$W/bench.out")"
check_bench_left_nothing
pass "exit 0, $(line_count "$W/bench.out") lines of tables, nothing left"
