#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove of a SIGSTOPped holder (SIGTERM stays pending) whose holder is then
# SIGKILLed while --remove waits for it: the holder dies without cleaning up, so its segment,
# semaphore and key files are left. --remove must notice and remove the orphan itself (exit 0,
# saying so), or fail naming what remains; never "stopped its holder, which removed" them.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shm_key=$(ftok_key "$(ls "$TMPDIR"/qipc_sharedmemory_*)")
sem_key=$(ftok_key "$(ls "$TMPDIR"/qipc_systemsem_*)")
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
shm-create --remove -t 60 >"$W/remove.out" 2>"$W/remove.err" & RP=$!
PIDS+=("$RP")
# --remove has signalled the holder and waits on its pidfd (poll).
wait_sleeping_in "$RP" poll
kill -KILL "$HP"
wait_rc "$RP"
ERR=$(cat "$W/remove.err")
left=$(find "$TMPDIR" -name '*qipc_*' -printf '%f ')
ipc_left=$(ipcs -m -s | grep -i -e "$shm_key" -e "$sem_key" || true)
[[ $ERR != *"which removed"* ]] || fail "claims the killed holder removed everything (rc=$RC): $ERR"
if [ "$RC" = 0 ]; then
  [ -z "$left$ipc_left" ] || fail "rc=0 ('$ERR') but left: $left $ipc_left"
  [[ $ERR == "shm-create: $K: removed the orphaned segment"*"PID $HP"* ]] || fail "message: $ERR"
  pass "the orphan of the killed holder was removed: $ERR"
fi
[ -n "$left$ipc_left" ] || fail "rc=$RC although nothing remains: $ERR"
[[ $ERR == "shm-create: $K: "*remain* ]] || fail "rc=$RC, the message does not say what remains: $ERR"
pass "rc=$RC naming what remains: $ERR"
