#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create SIGKILLed at the entry of the Nth call of each system call it makes while starting
# (strace's fault injection, so that every kill point is hit on purpose, not by luck): between
# semget and SETVAL, between shmget and the header, between link and unlink, ... Whatever it
# leaves, the tools cope: --list works, shm-read is 0 or 3 (or 8 saying the segment is all zero:
# left before its header), a new shm-create starts (adopting or
# replacing), loads and reads, and --remove leaves nothing of the key, System V or file. Rounds
# alternate between that whole sequence and --remove alone. The test runs in an IPC namespace
# of its own, so that "nothing left" is every System V object there. Found by outside pass 6:
# three kill points (shmat#1, semctl during the stop, semctl#1 with a short -t) left a key that
# --remove or a short -t start could not clear.
if [ -z "${SHM_OWN_IPC_NAMESPACE:-}" ]; then
  command -v unshare >/dev/null && unshare --ipc true 2>/dev/null &&
    exec env SHM_OWN_IPC_NAMESPACE=1 unshare --ipc bash "$0" "$@"
  echo "SKIP kill-at-each-start-up-call: cannot make an IPC namespace here (needs root)"
  exit 77
fi
. "$(dirname "$0")/../support/common.sh"
command -v strace >/dev/null || skip "strace is not installed (scripts/test.sh installs it)"
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
nothing_left() {
  [ -z "$(ipcs -m | awk '$1 ~ /^0x/')$(ipcs -s | awk '$1 ~ /^0x/')" ] &&
    [ -z "$(ls -A "$W" | grep -E 'qipc_|anchor')" ]
}
rounds=0 kills=0
for calls in semget semctl semtimedop shmget shmat shmctl '/^(link|linkat)$/' '/^(unlink|unlinkat)$/' openat fcntl; do
  for n in $(seq 12); do
    rounds=$((rounds + 1))
    at="kill at the entry of call $n of $calls"
    rm -f "$W/start"
    strace -qq -o /dev/null -e "trace=$calls" -e "inject=$calls:signal=KILL:when=$n" \
      shm-create -s 64K -t 3 2>"$W/start" &
    tracer=$!
    wait_until 60 "shm-create is ready or killed ($at)" eval "! kill -0 $tracer 2>/dev/null || has_line '$W/start' ready"
    if kill -0 "$tracer" 2>/dev/null; then
      # Ready before its Nth such call: no later N is reached while starting either.
      run shm-create -q --remove -t 5
      [ "$RC" = 0 ] || fail "$at: not reached, yet --remove of the ready holder: rc=$RC $ERR"
      wait "$tracer" 2>/dev/null || true
      poll_until 10 nothing_left || fail "$at: not reached; left after --remove: $(ipcs -m -s | grep ^0x) $(ls -A "$W")"
      break
    fi
    wait "$tracer" 2>/dev/null || true
    kills=$((kills + 1))
    if ((rounds % 2)); then
      run shm-read --list
      [ "$RC" = 0 ] || fail "$at: --list rc=$RC $ERR"
      # 0 or 3; or 8 for a segment left before its header, which the line says is all zero.
      run shm-read -t 3
      [ "$RC" = 0 ] || [ "$RC" = 3 ] || { [ "$RC" = 8 ] && has_line "$W/err" 'all zero'; } ||
        fail "$at: shm-read rc=$RC $ERR"
      run shm-create -d -q -s 64K -t 3
      [ "$RC" = 0 ] || fail "$at: the next shm-create: rc=$RC $ERR"
      echo "round $rounds" | shm-load -q -t 3 - 2>"$W/load" || fail "$at: load after the restart: $(cat "$W/load")"
      [ "$(shm-read -t 3)" = "round $rounds" ] || fail "$at: read after the restart"
    fi
    run shm-create -q --remove -t 5
    [ "$RC" = 0 ] || [ "$RC" = 3 ] || fail "$at: --remove rc=$RC $ERR"
    poll_until 10 nothing_left || fail "$at: left after --remove: $(ipcs -m -s | grep ^0x) $(ls -A "$W")"
  done
done
[ "$kills" -gt 20 ] || fail "only $kills of $rounds kill points were hit: strace's injection did not work here"
pass "$kills kill points in shm-create's start-up ($rounds rounds): every one cleared by the tools"
