#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove at `ulimit -n 4` and `ulimit -n 5`, where the checks that find the holder
# cannot open a descriptor: it stops the holder, or names the descriptor limit (RLIMIT_NOFILE,
# ulimit -n) and leaves the holder running; never the raw-fork child story.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
for limit in 4 5; do
  # Only the standard descriptors open (ctest or a shell may pass others on), then the limit.
  run bash -c 'for fd in $(ls /proc/$$/fd); do [ "$fd" -le 2 ] || eval "exec $fd>&-"; done
    ulimit -n "$1" && exec shm-create --remove -t 30' limit "$limit"
  [[ $ERR != *"fork()"* ]] || fail "ulimit -n $limit: rc=$RC with the raw-fork story: $ERR"
  if [ "$RC" = 0 ]; then
    wait_gone "$HP"
    start_holder -s 64K || fail "holder"
    continue
  fi
  [ "$RC" = 1 ] || fail "ulimit -n $limit: rc=$RC (expected 0 or 1): $ERR"
  [[ $ERR == "shm-create: $K: "*RLIMIT_NOFILE*"ulimit -n"* ]] || fail "ulimit -n $limit: no cause: $ERR"
  gone "$HP" && fail "ulimit -n $limit: rc=$RC but the holder is gone"
done
run shm-create --remove -t 30
[ "$RC" = 0 ] || fail "--remove without the limit: rc=$RC $ERR"
wait_gone "$HP"
pass "at ulimit -n 4 and 5: the limit named or the holder stopped"
