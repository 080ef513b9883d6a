#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# At RLIMIT_NOFILE=4 a reader waiting for a version notices its
# holder's death within a probe slice and exits 3. Waits need no thread and no descriptor: the
# futex sleep is cut into slices of 100 ms that re-probe the holder's token. (Before, the pidfd
# watch could not be opened, was dropped silently, and the reader waited for ever.)
. "$(dirname "$0")/../support/common.sh"
# The sanitizers' runtime needs threads and descriptors of its own: under a task or descriptor
# limit it fails before the tool does, so these limits are checked in the plain build only
# (label plain_only: scripts/test.sh leaves the case out of its ASan+UBSan build; this skip is for
# a hand-run ctest there).
[ "${SHM_SANITIZED:-0}" != 1 ] || skip "ASan/UBSan build: the sanitizer runtime itself needs the threads and descriptors this case takes away"
start_holder -s 4K || fail "holder"
shm-load -q "$W/small"
(
  # Redirections first (bash needs descriptors for them), and no inherited descriptor above 2,
  # so that 4 means what it says: 0, 1, 2 and one more.
  exec >"$W/out" 2>"$W/err" </dev/null
  for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
  ulimit -n 4
  exec shm-read --wait -t 30
) & rp=$!
PIDS+=("$rp")
wait_sleeping_in "$rp" futex
[ "$(sed -n 's/^Max open files[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$rp/limits")" = 4 ] || fail "the limit did not apply"
t=$(now_ms)
kill -KILL "$HP"
wait_rc "$rp"
el=$(ms "$t")
[ "$RC" = 3 ] || fail "rc=$RC after ${el}ms (want 3): $(cat "$W/err")"
[ "$el" -lt 3000 ] || fail "noticed only after ${el}ms"
grep -q "not running" "$W/err" || fail "$(cat "$W/err")"
pass "a waiting reader at RLIMIT_NOFILE=4 noticed its holder's death after ${el}ms"
