#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# TMPDIR removed (key files and their anchors with it) and made again under a running holder:
# the inode, and so the System V key, cannot come back. The holder says so once, naming what to
# do; tools name the live holder (exit 3, a second shm-create exit 4); --remove reaches it all
# the same (through the removed key file it still holds open, with its lock) and stops it, which
# removes its segment and semaphore; a new holder then works in the new directory.
. "$(dirname "$0")/../support/common.sh"
export TMPDIR=$W/dir
mkdir "$TMPDIR"
shm-create -s 64K 2>"$W/holder.err" & hp=$!
PIDS+=("$hp")
wait_until 30 "the holder answers" holder_ready
echo v1 | shm-load -q - || fail "load"
rm -rf "$TMPDIR"
wait_until 10 "the holder reports the key files lost for good" has_line "$W/holder.err" "cannot come back"
mkdir "$TMPDIR"
run shm-read
[ "$RC" = 3 ] && [[ $ERR == *"PID $hp"* ]] || fail "read: rc=$RC (want 3 naming PID $hp) $ERR"
run shm-create -s 64K
[ "$RC" = 4 ] && [[ $ERR == *"PID $hp"* ]] || fail "a second holder: rc=$RC (want 4 naming PID $hp) $ERR"
run shm-create --remove -t 10
[ "$RC" = 0 ] && [[ $ERR == *"PID $hp"* ]] || fail "--remove: rc=$RC (want 0, stopping PID $hp) $ERR"
wait_rc "$hp"
[ "$RC" = 0 ] || fail "the holder's exit status: $RC"
start_holder -s 64K || fail "a new holder"
echo v2 | shm-load -q - && [ "$(shm-read)" = v2 ] || fail "the new holder's segment does not work"
pass "holder reported the loss, was named, and --remove stopped it; a new holder works"
