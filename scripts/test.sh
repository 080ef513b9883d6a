#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds and runs the test suite twice: a normal build, then ASan+UBSan. A failing stage does not
# stop the other; the script ends with one line per stage and exits non-zero if any stage failed
# (build or tests).
#
# Usage: scripts/test.sh [--system]
# By default the cases labelled `system` are left out (`ctest -LE system`): they change a setting
# for the whole machine (/sys/kernel/mm/transparent_hugepage/shmem_enabled), restored afterwards,
# and would disturb whatever else runs meanwhile. `--system`, or SHM_TEST_SYSTEM=1 in the
# environment, runs them too (as root, on a machine of your own). `ctest -L system` runs only them.
# The cases labelled `own_tree` (the Debian packages, the benchmark script) build their own tree
# from the source, the same whichever build runs them; those labelled `plain_only` take away the
# threads or descriptors the sanitizers' runtime needs to start: the plain build runs both, the
# ASan+UBSan build leaves them out.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
system=${SHM_TEST_SYSTEM:-0}
for argument in "$@"; do
  case $argument in
  --system) system=1 ;;
  *)
    echo "$script_name: unknown argument '$argument'; usage: $script_name [--system]" >&2
    exit 2
    ;;
  esac
done
system_labels="system"
system_note="; the system cases left out (--system runs them)"
[ "$system" = 1 ] && system_labels="" && system_note=""
ensure_packages "to build the tools" "${build_packages[@]}"
ensure_packages "to build and run the tests" "${test_packages[@]}"
cd "$repo_root"

summaries=()
digests=()
failed=0

# failure_digest DIR: the last lines each failed case printed (at most 5 cases, 10 lines each), from ctest's own
# log, for the end of the output: a CI log that keeps only its head and tail still shows why.
failure_digest() {
  awk -v dir="$1" '
    / Test: / { name = $0; sub(/^[0-9]+\/[0-9]+ Test: /, "", name) }
    /^Output:$/ { n = 0; inside = 1; getline; next }
    /^<end of output>$/ { inside = 0; next }
    inside { lines[++n] = $0 }
    /^Test (Failed|Not Run|Timeout)/ || /^Test .*\*\*\*/ {
      if (++shown > 5) next
      printf "--- %s: %s (last lines)\n", dir, name
      for (i = (n > 10 ? n - 9 : 1); i <= n; i++) print "    " lines[i]
    }' "$1/Testing/Temporary/LastTest.log" 2>/dev/null || true
}

# stage NAME DIR CTEST_TIMEOUT LEAVE_OUT [cmake args...]: builds DIR and runs its ctest, less
# the labels matching the regex LEAVE_OUT (with the system ones unless --system); records a summary.
stage() {
  local name=$1 dir=$2 timeout=$3 leave_out=$4 summary selection note
  shift 4
  echo "$script_name: $name: building into $dir/" >&2
  if ! build "$dir" "$@"; then
    summaries+=("$name: the build failed (output above), no test ran")
    failed=1
    return
  fi
  echo "$script_name: $name: running ctest" >&2
  local rc=0
  selection=() note=$system_note
  if [ -n "$leave_out" ]; then
    selection=(-LE "^(${leave_out}${system_labels:+|$system_labels})\$")
    note+="; the ${leave_out//|/ and } cases ran in the plain build"
  elif [ -n "$system_labels" ]; then
    selection=(-LE "^(${system_labels})\$")
  fi
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)" --timeout "$timeout" "${selection[@]}") 2>&1 |
    tee "$dir/ctest.log" || rc=$?
  summary=$(grep -E '^[0-9]+% tests passed' "$dir/ctest.log" | tail -n 1 || true)
  if [ "$rc" -ne 0 ]; then
    failed=1
    digests+=("$(failure_digest "$dir")")
  fi
  summaries+=("$name: ${summary:-ctest exited $rc without its summary line} (ctest exit code $rc)${note}")
}

stage "plain build" build 300 ""
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  stage "ASan+UBSan build" build-sanitize 600 "own_tree|plain_only" -DSHM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

echo
for digest in "${digests[@]}"; do [ -z "$digest" ] || echo "$digest"; done
for summary in "${summaries[@]}"; do echo "$script_name: $summary"; done
exit "$failed"
