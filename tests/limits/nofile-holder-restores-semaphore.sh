#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder started at RLIMIT_NOFILE 4 (0, 1, 2 and its own key-file
# descriptor) or 5 restores its semaphore after it is removed (ipcrm -s, as systemd-logind's
# RemoveIPC does), and loads and reads work again. Before: the restore opened the semaphore's key
# file to learn its System V key, found no descriptor left and said "cannot be restored yet"
# every second for ever. PLAIN_ONLY: the sanitizers' runtime cannot start under such a limit.
. "$(dirname "$0")/../support/common.sh"
[ "${SHM_SANITIZED:-0}" != 1 ] || skip "ASan/UBSan build: the sanitizer runtime itself needs the descriptors this case takes away"
for limit in 4 5; do
  # Redirections first (bash needs descriptors for them), and no inherited descriptor above 2,
  # so that the limit means what it says.
  (
    exec >"$W/out.$limit" 2>"$W/err.$limit" </dev/null
    for fd in $(ls "/proc/$BASHPID/fd"); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
    ulimit -n "$limit"
    exec shm-create -s 64K
  ) & hp=$!
  PIDS+=("$hp")
  started() { has_line "$W/err.$limit" 'ready' || gone "$hp"; }
  wait_until 30 "the holder at ulimit -n $limit started or ended" started
  gone "$hp" && fail "at ulimit -n $limit the holder did not start: $(cat "$W/err.$limit")"
  [ "$(sed -n 's/^Max open files[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$hp/limits")" = "$limit" ] ||
    fail "the limit $limit did not apply"
  echo "v$limit" | shm-load -q - || fail "load at ulimit -n $limit"
  semid=$(jget semid)
  ipcrm -s "$semid" || fail "ipcrm -s $semid"
  restored() { has_line "$W/err.$limit" 'semaphore was removed.*restored it' || has_line "$W/err.$limit" 'cannot be restored'; }
  wait_until 30 "the holder at ulimit -n $limit reported on its semaphore" restored
  has_line "$W/err.$limit" 'cannot be restored' && fail "at ulimit -n $limit: $(cat "$W/err.$limit")"
  run shm-read -t 5
  [ "$RC" = 0 ] && [ "$(cat "$OUT")" = "v$limit" ] || fail "read after the restore at ulimit -n $limit: rc=$RC $ERR"
  echo "w$limit" | shm-load -q -t 5 - || fail "load after the restore at ulimit -n $limit"
  kill -TERM "$hp"
  wait_rc "$hp"
  [ "$RC" = 130 ] || [ "$RC" = 0 ] || fail "the holder at ulimit -n $limit: rc=$RC $(cat "$W/err.$limit")"
  [ -z "$(ls "$W" | grep '^qipc_')" ] || fail "key files left at ulimit -n $limit: $(ls -A "$W")"
done
pass "holders at ulimit -n 4 and 5 restored their removed semaphores"
