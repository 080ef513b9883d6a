#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 13: a library Holder served from a second thread after main
# called pthread_exit() is alive (its /proc/PID/stat says Z, the thread group runs on), and
# `shm-create --remove` recognises and stops it as it does any holder: through the descriptors
# of a thread that runs, not the exited main thread's empty ones. Before: the normal holder was
# "alive" in --list, but --remove exited 1 ("whether PID N (gone) is the process holding it
# cannot be told ... not signalled"), and for a raw holder exited 8 ("not a shm-tools segment").
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
main_thread_exited() { grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
objects_left() { ipcs -m -s | awk -v k="$1" 'tolower($1) == k' | grep -q .; }
for kind in normal raw; do
  "$P" holder-pthread-exit "$K" "${kind/normal/}" >"$W/peer.out" 2>&1 & pp=$!
  PIDS+=("$pp")
  wait_until 30 "the $kind holder is ready" has_line "$W/peer.out" '^ready$'
  wait_until 30 "its main thread has exited" main_thread_exited "$pp"
  key=$(ftok_key "$W"/qipc_sharedmemory_*)
  if [ "$kind" = normal ]; then
    echo v1 | shm-load -q -
    [ "$(shm-read)" = v1 ] || fail "$kind: shm-read: $(shm-read 2>&1)"
    shm-read --list | grep -q "alive" || fail "$kind: not alive in --list: $(shm-read --list 2>&1)"
  else
    echo v1 | shm-load --raw -q - || fail "$kind: shm-load --raw"
  fi
  run shm-create --remove -t 10
  [ "$RC" = 0 ] || fail "$kind: --remove: rc=$RC $ERR"
  wait_rc "$pp"
  [ "$RC" = 0 ] || fail "$kind: the holder process exited with $RC: $(cat "$W/peer.out")"
  ! objects_left "$key" || fail "$kind: left under $key: $(ipcs -m -s | grep -i "$key")"
  left=$(find "$W" -name '*qipc_*')
  [ -z "$left" ] || fail "$kind: key files left: $left"
done
pass "a holder whose main thread exited, normal and raw, is stopped by --remove; nothing left"
