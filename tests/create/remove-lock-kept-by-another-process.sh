#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# --remove waits for a lock that another live process keeps for at most -t, then exits 7 naming
# what remains, the lock's holder and what to do, and removes nothing: an orphan whose lock a Qt
# peer keeps (Qt's lock(), then it stays), and the remains of a dead holder (semaphore, key file,
# anchors; no segment) whose lock another process keeps. Once the lock is given back, --remove
# removes everything (exit 0).
. "$(dirname "$0")/../support/common.sh"
[ -x "$Q" ] || skip "QT_PEER_BIN not set"
[ -x "$H" ] || skip "HOSTILE_PEER_BIN not set"
start_holder -s 64K || fail "holder"
shmid=$(jget shmid)
semid=$(jget semid)
"$Q" hold-lock "$K" 600 >"$W/qt.out" 2>&1 & qp=$!
PIDS+=("$qp")
wait_until 30 "the Qt peer has the lock" has_line "$W/qt.out" '^locked'
kill -KILL "$HP"
wait_gone "$HP"

run shm-create --remove -t 1
[ "$RC" = 7 ] || fail "--remove of the orphan whose lock the Qt peer keeps: rc=$RC (want 7) $ERR"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
[[ $ERR == "shm-create: $K: the orphaned segment $shmid (its holder, PID $HP, had died), its semaphore and key files remain: "*"timed out"*"held by PID $qp"*"raise -t"* ]] ||
  fail "does not name what remains, the lock's holder and what to do: $ERR"
segment_exists "$shmid" || fail "the orphan was removed all the same"

# The Qt peer unlocks and detaches, the last one: Qt removes the segment and its key file, the
# semaphore, its key file and the anchors stay. Another process keeps their lock now.
kill -TERM "$qp"
wait_rc "$qp"
[ "$RC" = 0 ] || fail "the Qt peer: rc=$RC $(cat "$W/qt.out")"
semaphore_exists "$semid" || fail "semaphore $semid gone with the segment"
"$H" hold "$semid" 600 >"$W/hold.out" 2>&1 & hp=$!
PIDS+=("$hp")
wait_until 30 "the other process has the lock" has_line "$W/hold.out" '^held'
run shm-create --remove -t 1
[ "$RC" = 7 ] || fail "--remove of the remains whose lock is kept: rc=$RC (want 7) $ERR"
[[ $ERR == "shm-create: $K: no segment is left under the key, but its semaphore (semid $semid), "*"qipc_systemsem_"*"shm-tools-anchor"*" remain: "*"timed out"*"held by PID $hp"* ]] ||
  fail "does not name what remains and the lock's holder: $ERR"
[ "$(ls -A "$TMPDIR" | grep -c qipc_)" = 3 ] || fail "removed something all the same: $(ls -A "$TMPDIR")"

kill -TERM "$hp"
wait_gone "$hp"
run shm-create --remove -t 10
[ "$RC" = 0 ] && [[ $ERR == *"no segment was left"*"its semaphore $semid"* ]] ||
  fail "--remove once the lock is free: rc=$RC $ERR"
left=$(ls -A "$TMPDIR" | grep qipc_ || true)
[ -z "$left" ] || fail "left: $left"
! semaphore_exists "$semid" || fail "semaphore $semid left"
pass "a kept lock: exit 7 naming what remains and who keeps the lock; removed once it is free"
