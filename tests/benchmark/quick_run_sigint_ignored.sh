#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/bench.sh is a script like the others. Started from a script as a background job
# (`scripts/bench.sh --quick &`, so SIGINT is ignored, and stays ignored in the tools), it ends
# with status 0, writes its report (the targets, each with a verdict at the quick run's 64 MiB;
# the tables; the machine), and leaves nothing behind: no process, no System V object, no
# /dev/shm file, nothing in its TMPDIR.
. "$(dirname "$0")/bench_case.sh"
require_bench
start_bench ignored
# The shell sets SIGINT ignored in its child before the exec: wait for it, as it may not be yet.
poll_until 10 ignores_signal "$BP" 2 || fail "the background bench.sh does not ignore SIGINT: the case tests nothing"
finish_bench
[ "$RC" = 0 ] || fail "bench.sh --quick with SIGINT ignored: exit $RC: $(bench_log)"
report=$W/benchmarks.md
[ -s "$report" ] || fail "no report at $report: $(bench_log)"
cmp -s "$report" "$W/bench.out" || fail "the report on stdout differs from the one written to $report"
for heading in "Against the targets" "Scale" "The host's floor" "Wake-up latency" "Peak RSS" "Machine"; do
  grep -q "^## $heading" "$report" || fail "no '$heading' section in the report: $(head -c 300 "$report")"
done
grep -q '^| CPU | .' "$report" || fail "the report does not name the CPU"
grep -q '^| shmem_enabled' "$report" || fail "the report does not say what shmem_enabled was"
# The four targets that depend on the page size (pipe, /dev/null, load, checksum share) are
# checked at the quick run's largest size, 64 MiB, with this machine's pages, each with a
# verdict; and every target row has one.
measured=$(grep -c '(64 MiB, [A-Za-z0-9 ]*pages) | .* | \(met\|\*\*not met\*\*\) |' "$report" || true)
[ "$measured" = 4 ] || fail "$measured of the 4 page-size targets have a verdict at 64 MiB: $(grep '64 MiB,' "$report")"
targets=$(sed -n '/^## Against the targets/,/^## Scale/p' "$report" | grep -c '^| [^-t]' || true)
verdicts=$(sed -n '/^## Against the targets/,/^## Scale/p' "$report" | grep -c '| \(met\|\*\*not met\*\*\) |' || true)
{ [ "$targets" -ge 8 ] && [ "$targets" = "$verdicts" ]; } || fail "$verdicts verdicts for $targets targets"
check_bench_left_nothing
pass "exit 0, $(line_count "$report") lines of report, $targets targets with verdicts, nothing left"
