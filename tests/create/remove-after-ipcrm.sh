#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# After `ipcrm -m SHMID` under a live holder, shm-read says what is true (the
# segment was removed, the holder still runs, the key files are still there; not "the key files
# were removed") and what to do (shm-create --remove); and that advice works: --remove stops
# the holder and nothing is left. The same for a holder whose key files were removed.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo v | shm-load -q - || fail "load"
shmid=$(jget shmid)
ipcrm -m "$shmid" || fail "ipcrm -m $shmid"
run shm-read
[ "$RC" = 3 ] || fail "rc=$RC: $ERR"
[[ $ERR == "shm-read: $K: its segment $shmid was removed"*"holder (PID $HP) still runs"*"key files are still there"*"shm-create --remove -k $K"* ]] ||
  fail "message: $ERR"
run shm-create --remove
[ "$RC" = 0 ] || fail "--remove after ipcrm: rc=$RC $ERR"
wait_gone "$HP"
[ -z "$(ls -A "$TMPDIR" | grep qipc)" ] || fail "left after --remove: $(ls -A "$TMPDIR")"

start_holder -s 64K || fail "second holder"
rm -f "$TMPDIR"/qipc_*
run shm-create --remove
[ "$RC" = 0 ] || fail "--remove with the key files removed: rc=$RC $ERR"
wait_gone "$HP"
[ -z "$(ls -A "$TMPDIR" | grep qipc)" ] || fail "left after --remove: $(ls -A "$TMPDIR")"
pass "ipcrm -m is named truly, and --remove cleans up after it and after removed key files"
