#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Outside break pass, issue 15: `shm-create -s 200M` under RLIMIT_AS (ulimit -v) too small to map
# the segment it just made exited 1. A size this process's limits refuse is a bad -s, as one
# beyond kernel.shmmax is: exit 2 (README "Exit codes"), one line naming RLIMIT_AS and the
# remedy, and nothing left behind (segment, semaphore, key files, anchors). PLAIN_ONLY: the
# sanitizers reserve terabytes of address space and cannot start under ulimit -v at all.
. "$(dirname "$0")/../support/common.sh"
# with_address_space_limit COMMAND...: COMMAND with RLIMIT_AS 100 MB: room to start, not to map 400 MiB.
with_address_space_limit() { bash -c 'ulimit -v 100000; exec "$@"' _ "$@"; }
left_in_tmpdir() { find "$W" -name 'qipc_*' -o -name '.qipc_*'; }

# Key files that exist before (as a Qt peer may leave them) lead to what the start made, noted
# while they exist: no segment and no semaphore may be left under them.
start_holder -s 4K || fail "holder"
mapfile -t files < <(find "$W" -name 'qipc_*')
[ "${#files[@]}" = 2 ] || fail "expected 2 key files: ${files[*]}"
kill -TERM "$HP" && wait_gone "$HP"
touch "${files[@]}"
keys=(); for file in "${files[@]}"; do keys+=("$(ftok_key "$file")"); done
for attempt in with-key-files fresh; do
  [ "$attempt" = fresh ] && rm -f "${files[@]}"
  RC=0; with_address_space_limit shm-create -s 200M >"$W/out" 2>"$W/err" || RC=$?
  [ "$RC" = 2 ] || fail "$attempt: rc=$RC $(cat "$W/err")"
  [ "$(wc -l <"$W/err")" = 1 ] || fail "$attempt: not one line: $(cat "$W/err")"
  grep -q "^shm-create: $K: cannot map the segment .*RLIMIT_AS is 100000 KiB, see 'ulimit -v'.*; raise the limit.*; use a smaller -s$" "$W/err" ||
      fail "$attempt: the limit or the remedy is not named: $(cat "$W/err")"
  if [ "$attempt" = fresh ]; then
    [ -z "$(left_in_tmpdir)" ] || fail "fresh: left in TMPDIR: $(left_in_tmpdir)"
  else
    for key in "${keys[@]}"; do
      [ -z "$(ipc_id m "$key")$(ipc_id s "$key")" ] || fail "left under $key: $(ipcs -m -s | grep -i "$key")"
    done
    [ -z "$(find "$W" -name '.qipc_*')" ] || fail "anchors left: $(find "$W" -name '.qipc_*')"
  fi
done
pass "under ulimit -v, -s 200M: exit 2, one line naming RLIMIT_AS and a smaller -s, nothing left"
