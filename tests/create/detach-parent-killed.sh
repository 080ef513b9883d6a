#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `pid=$(shm-create -d)` is race-free. SIGKILL to the starting process at
# random points of its start-up, 40 times: afterwards no holder runs whose PID was not printed,
# and once the printed ones are stopped nothing is left (no process, no key file, no segment).
# As root it runs in an IPC namespace of its own, so that ipcs shows its objects alone.
if [ -z "${SHM_OWN_IPC_NAMESPACE:-}" ] && [ "$(id -u)" = 0 ] && unshare --ipc true 2>/dev/null; then
  SHM_OWN_IPC_NAMESPACE=1 exec unshare --ipc -- bash "$0" "$@"
fi
. "$(dirname "$0")/../support/common.sh"
mkfifo "$W/tick"
exec 4<>"$W/tick"
# nap SECONDS: a sub-second sleep without starting a process (read times out on a silent FIFO).
nap() { read -r -t "$1" -u 4 _ || true; }

# How long one start takes here: the kills are spread over it.
t=$(now_ms)
start_holder -s 64K || fail "holder"
startup=$(ms "$t")
kill "$HP"; wait_gone "$HP"

runs=40
for i in $(seq "$runs"); do
  mkdir "$W/run$i"
  TMPDIR=$W/run$i shm-create -d -q -s 64K >"$W/run$i.pid" 2>"$W/run$i.err" & p=$!
  delay=$((RANDOM % (startup + 10)))
  nap "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
done

printed=" $(cat "$W"/run*.pid | tr '\n' ' ') "
holders() {
  local q
  for q in $(marked_pids); do
    [ "$(cat "/proc/$q/comm" 2>/dev/null)" = shm-create ] && ! gone "$q" && echo "$q"
  done
  true
}
# A child whose starter died decides within its start-up; allow for a loaded machine.
only_printed_run() {
  local q
  for q in $(holders); do [[ $printed == *" $q "* ]] || return 1; done
}
if ! poll_until 20 only_printed_run; then
  stray=""
  for q in $(holders); do [[ $printed == *" $q "* ]] || stray+=" $q"; done
  fail "holders running whose PID was never printed:$stray"
fi
kept=0
for q in $(holders); do
  kept=$((kept + 1))
  kill "$q"
  wait_gone "$q"
done
left=$(find "$W" -name 'qipc_*')
[ -z "$left" ] || fail "key files left by a killed start: $left"
ipc_note="ipcs not checked (not in an IPC namespace of its own: needs root)"
if [ -n "${SHM_OWN_IPC_NAMESPACE:-}" ]; then
  objects=$(ipcs -m -s | awk '$1 ~ /^0x/')
  [ -z "$objects" ] || fail "System V objects left by a killed start: $objects"
  ipc_note="ipcs empty"
fi
npr=$(grep -c . "$W"/run*.pid | grep -c ':1$' || true)
pass "$runs kills within ${startup}ms of start-up: $npr printed a PID ($kept holders kept), no stray holder, no key file left, $ipc_note"
