#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Under RLIMIT_AS (ulimit -v) too small to map a 64 MiB segment, the
# tools said a bare "shmat: Cannot allocate memory". Now: one line naming the limit and the
# remedy, exit 1, and the segment is untouched. PLAIN_ONLY: the sanitizers reserve terabytes of
# address space and cannot start under ulimit -v at all.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64M || fail "holder"
shm-load -q "$W/small" || fail "load"
# with_address_space_limit COMMAND...: COMMAND with RLIMIT_AS 100 MB: room to start, not to map 64 MiB.
with_address_space_limit() { bash -c 'ulimit -v 100000; exec "$@"' _ "$@"; }
for tool in shm-read shm-load; do
  args=(); [ "$tool" = shm-load ] && args=("$W/small")
  RC=0; with_address_space_limit "$tool" "${args[@]}" >"$W/out" 2>"$W/err" || RC=$?
  [ "$RC" = 1 ] || fail "$tool under ulimit -v: rc=$RC $(cat "$W/err")"
  [ "$(wc -l <"$W/err")" = 1 ] || fail "$tool: not one line: $(cat "$W/err")"
  grep -q "^$tool: $K: cannot map the segment .*RLIMIT_AS is 100000 KiB, see 'ulimit -v'.*; raise the limit" "$W/err" ||
      fail "$tool: the limit is not named: $(cat "$W/err")"
done
[ "$(shm-read)" = "$(cat "$W/small")" ] || fail "the content changed"
pass "under ulimit -v: one line naming RLIMIT_AS and the remedy, exit 1, the segment untouched"
