#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove run in a user namespace (unshare --user --map-root-user), where the
# holder's /proc/PID/fd cannot be read: it must stop the holder (the same user's process), or
# name the true cause; never the story of a raw-fork child keeping a dead holder's lock.
. "$(dirname "$0")/../support/common.sh"
command -v unshare >/dev/null || skip "no unshare"
unshare --user --map-root-user true 2>/dev/null || skip "cannot make a user namespace here"
start_holder -s 64K || fail "holder"
run unshare --user --map-root-user shm-create --remove -t 30
[[ $ERR != *"fork()"* ]] || fail "rc=$RC with the raw-fork story: $ERR"
if [ "$RC" = 0 ]; then
  wait_gone "$HP"
  [ -z "$(find "$TMPDIR" -name '*qipc_*')" ] || fail "left: $(ls -A "$TMPDIR")"
  [[ $ERR == "shm-create: $K: stopped its holder (PID $HP)"* ]] || fail "message: $ERR"
  pass "stopped from a user namespace: $ERR"
fi
[[ $ERR == *"PID $HP"*"Operation not permitted"* ]] || fail "rc=$RC without the cause: $ERR"
gone "$HP" && fail "rc=$RC but the holder is gone: $ERR"
pass "rc=$RC naming the cause: $ERR"
