# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Prelude of the tests of scripts/bench.sh (tests/benchmark/*.sh), sourced first: the shared shell
# test prelude (strict mode, a scratch TMPDIR, a marker every started process inherits, a cleanup
# that stops them), then what starting and watching bench.sh takes.
#
# bench.sh builds its Release tree into $SHM_BENCH_BUILD_DIR (in the build tree, never the source
# tree; shared by the cases, which ctest runs one at a time) and writes its report into the
# scratch directory. It runs inside an IPC namespace of its own where this test may make one
# (root), so that whatever System V object is left after it is its own; elsewhere the segments and
# semaphores of this user that appeared during the run are counted. Its TMPDIR is a directory of
# its own, which must be empty again afterwards.
# Environment (tests/benchmark/CMakeLists.txt): SHM_TEST_COMMON (the shared prelude),
# SHM_SOURCE_DIR, SHM_BENCH_BUILD_DIR, and what the shared prelude reads.
: "${SHM_TEST_COMMON:?set SHM_TEST_COMMON to the shared shell-test prelude (ctest does)}"
# shellcheck source=../support/common.sh
. "$SHM_TEST_COMMON"
: "${SHM_SOURCE_DIR:?set SHM_SOURCE_DIR to the source tree (ctest does)}"
: "${SHM_BENCH_BUILD_DIR:?set SHM_BENCH_BUILD_DIR to the build directory of bench.sh (ctest does)}"
BENCH=$SHM_SOURCE_DIR/scripts/bench.sh

# require_bench: skips (77) where bench.sh would stop to ask for packages: not root (as root it
# installs them itself, as scripts/test.sh does) and hyperfine or python3 missing.
require_bench() {
  [ "$(id -u)" -eq 0 ] && return 0
  command -v hyperfine >/dev/null || skip "bench.sh needs hyperfine (Debian: hyperfine); run as root to install it"
  [ -x /usr/bin/python3 ] || skip "bench.sh needs /usr/bin/python3 (Debian: python3); run as root to install it"
}

# ipc_ids: "shm ID" and "sem ID" lines for this user's System V objects.
ipc_ids() {
  awk -v uid="$(id -u)" 'NR > 1 && $8 == uid { print "shm", $2 }' /proc/sysvipc/shm
  awk -v uid="$(id -u)" 'NR > 1 && $5 == uid { print "sem", $2 }' /proc/sysvipc/sem
}

# start_bench SIGINT OPTION...: starts `bench.sh --quick OPTION...` from a script, in the
# background: SIGINT=ignored as a non-interactive shell starts it, SIGINT=kept as with job
# control (a terminal's Ctrl-C reaches it); its own process group either way. Sets RUNNER (the
# PID of that script) and BP (bench.sh's PID, its process group).
start_bench() {
  local sigint=$1 ns=()
  shift
  BENCH_TMP=$W/bench-tmp
  mkdir "$BENCH_TMP"
  if unshare --ipc true 2>/dev/null; then ns=(unshare --ipc); else ipc_ids | sort >"$W/ipc.before"; fi
  cat >"$W/runner.sh" <<'RUNNER'
# runner.sh ignored|kept DIR COMMAND...: COMMAND in the background as a script starts it, then
# the System V objects left in this IPC namespace.
[ "$1" = kept ] && set -m
dir=$2
shift 2
"$@" >"$dir/bench.out" 2>"$dir/bench.err" &
echo $! >"$dir/bench.pid"
wait $!
echo $? >"$dir/bench.rc"
awk 'NR > 1 { print "shm", $2 }' /proc/sysvipc/shm >"$dir/ipc.left"
awk 'NR > 1 { print "sem", $2 }' /proc/sysvipc/sem >>"$dir/ipc.left"
RUNNER
  "${ns[@]}" bash "$W/runner.sh" "$sigint" "$W" env TMPDIR="$BENCH_TMP" "$BENCH" --quick \
    --build-dir "$SHM_BENCH_BUILD_DIR" --output "$W/benchmarks.md" "$@" &
  RUNNER=$!
  PIDS+=("$RUNNER")
  wait_until 60 "bench.sh has started" test -s "$W/bench.pid"
  BP=$(cat "$W/bench.pid")
  PIDS+=("$BP")
}

# bench_log: the end of bench.sh's stderr, for messages.
bench_log() { tail -n 5 "$W/bench.err" 2>/dev/null | tr '\n' ' '; }

# running COMM [ARG]: a process of this test named COMM (with ARG in its command line) runs.
running() {
  local pid
  for pid in $(marked_pids); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || continue
    [ -z "${2:-}" ] || tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "$2" || continue
    return 0
  done
  return 1
}

# idle_follower_running: bench.sh's idle follower runs (a `shm-read --follow` whose output is
# /dev/null; those of the latency phase write into a pipe): a step of seconds.
idle_follower_running() {
  local pid
  for pid in $(marked_pids); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = shm-read ] &&
      [ "$(readlink "/proc/$pid/fd/1" 2>/dev/null)" = /dev/null ] &&
      tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- '--follow' && return 0
  done
  return 1
}

# finish_bench: waits for the runner; sets RC to bench.sh's exit status.
finish_bench() {
  wait_rc "$RUNNER"
  [ "$RC" = 0 ] || fail "the runner script failed (status $RC): $(bench_log)"
  RC=$(cat "$W/bench.rc")
}

# check_bench_left_nothing: no process, System V object, /dev/shm file or TMPDIR entry is left.
check_bench_left_nothing() {
  local pid left=() objects
  # shellcheck disable=SC2317  # called through poll_until
  all_ended() {
    left=()
    for pid in $(marked_pids); do gone "$pid" || left+=("$pid"); done
    [ ${#left[@]} -eq 0 ]
  }
  poll_until 5 all_ended ||
    fail "processes left: $(for pid in "${left[@]}"; do tr '\0' ' ' <"/proc/$pid/cmdline"; echo -n '; '; done)"
  if [ -e "$W/ipc.before" ]; then
    objects=$(ipc_ids | sort | comm -13 "$W/ipc.before" - | tr '\n' ' ')
  else
    objects=$(tr '\n' ' ' <"$W/ipc.left")
  fi
  [ -z "$objects" ] || fail "System V objects left: $objects"
  objects=$(find /dev/shm -maxdepth 1 -name "shm-bench-*-$BP" | tr '\n' ' ')
  [ -z "$objects" ] || fail "/dev/shm files left: $objects"
  objects=$(find "$BENCH_TMP" -mindepth 1 | tr '\n' ' ')
  [ -z "$objects" ] || fail "left in its TMPDIR: $objects"
}

# interrupt_bench SIGNAL TARGET [SECONDS]: sends SIGNAL to TARGET ("-$BP", its process group, as
# Ctrl-C does; "$BP", bench.sh alone, as `kill PID` and timeout(1) do); bench.sh must end within
# SECONDS (default 2) with status 130. Sets TOOK (ms from the signal to its end).
interrupt_bench() {
  local start bound=${3:-2}
  kill "-$1" -- "$2"
  start=$(now_ms)
  poll_until "$bound" gone "$BP" || fail "bench.sh still running $bound s after SIG$1: $(bench_log)"
  # shellcheck disable=SC2034  # read by the case that calls this
  TOOK=$(ms "$start")
  finish_bench
  [ "$RC" = 130 ] || fail "bench.sh after SIG$1: status $RC, want 130: $(bench_log)"
}
