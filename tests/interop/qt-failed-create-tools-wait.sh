#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Loads and reads (and their --raw modes) started in the second after a Qt
# program's failed create() removed the semaphore and its key file, before the holder restored
# them, wait for the repair, bounded by -t, and then succeed. The holder is stopped (SIGSTOP) so
# that the gap lasts until the tools sleep: with -t 1 they exit 3 naming the running holder and
# that it did not restore its key files in time; with -t 30 they go on once it is continued. With
# the holder gone (SIGKILL) nothing is waited for: exit 3 at once, advising to start a holder.
# Before the fix every tool exited 3 at once, saying the holder must be restarted.
. "$(dirname "$0")/../support/common.sh"
for kind in plain raw; do
  flags=(-s 64K); [ "$kind" = plain ] || flags=(--raw -s 64K)
  rf=(); [ "$kind" = plain ] || rf=(--raw)
  start_holder "${flags[@]}" || fail "$kind: holder"
  echo -n v1 >"$W/in"; shm-load -q "${rf[@]}" "$W/in" || fail "$kind: first load"
  kill -STOP "$HP"
  wait_until 10 "the holder is stopped" stopped "$HP"
  RC=0; "$Q" create "$K" 4096 >"$W/qt.out" 2>"$W/qt.err" || RC=$?
  [ "$RC" = 1 ] || fail "$kind: Qt's create() on a held key: rc=$RC $(cat "$W/qt.err")"
  [ -z "$(ls "$W"/qipc_systemsem_* 2>/dev/null)" ] || fail "$kind: Qt left the semaphore key file"
  for tool in shm-read shm-load; do
    args=("${rf[@]}" -t 1); [ "$tool" = shm-read ] || args+=("$W/in")
    run "$tool" "${args[@]}"
    [ "$RC" = 3 ] || fail "$kind: $tool -t 1 in the gap: rc=$RC (want 3): $ERR"
    [[ $ERR == *"PID $HP"* && $ERR == *"did not restore"*"within 1 s"* ]] ||
      fail "$kind: $tool -t 1 does not name the running holder and the wait: $ERR"
  done
  load_and_read_wait_out_the_repair "$kind" "${rf[@]}"
  # The holder gone in the gap: nobody restores anything, so nothing is waited for.
  kill -STOP "$HP"
  wait_until 10 "the holder is stopped" stopped "$HP"
  RC=0; "$Q" create "$K" 4096 >"$W/qt.out" 2>"$W/qt.err" || RC=$?
  kill -KILL "$HP"; wait_gone "$HP"
  t=$(now_ms)
  run shm-read "${rf[@]}" -t 30
  el=$(ms "$t")
  [ "$RC" = 3 ] || fail "$kind: with the holder killed: rc=$RC (want 3): $ERR"
  [ "$el" -lt 5000 ] || fail "$kind: with the holder killed it waited ${el}ms"
  [[ $ERR == *"shm-create"* || $ERR == *"start"* ]] || fail "$kind: with the holder killed, no advice to start one: $ERR"
  # What the killed holder left: its segment, key file and anchors (the cleanup removes the rest).
  shmid=$(ipcs -m | awk -v key="$(ftok_key "$(ls "$W"/qipc_sharedmemory_*)")" 'tolower($1) == key { print $2 }')
  [ -z "$shmid" ] || ipcrm -m "$shmid"
  rm -f "$W"/qipc_* "$W"/.qipc_*
done
pass "tools in the repair second waited for the holder (plain and raw); -t 1 named it; a killed holder was not waited for"
