#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Someone deletes the semaphore key file under a running holder and a Qt program
# attaches then: Qt makes a new key file (a new inode, so a new System V key) and a semaphore of
# its own under it, and keeps both while attached. The holder puts its own key file back from its
# anchor (the semaphore under the stray key is the Qt peer's and no segment lives there), and a
# tool started meanwhile waits for that, bounded by -t, instead of refusing with a false "ftok
# collision" (exit 9, before the fix). When the Qt peer detaches it removes the key file by name,
# which the holder restores again.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo v1 | shm-load -q - || fail "first load"
sem_file=$(ls "$W"/qipc_systemsem_*)
sem_key=$(ftok_key "$sem_file")
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
rm "$sem_file"
"$Q" hold "$K" >"$W/qt.out" 2>"$W/qt.err" & qp=$!
PIDS+=("$qp")
wait_until 30 "the Qt peer attached" has_line "$W/qt.out" '^attached$'
[ -e "$sem_file" ] && [ "$(ftok_key "$sem_file")" != "$sem_key" ] || fail "Qt did not make a new semaphore key file"
shm-read -t 30 >"$W/read.out" 2>"$W/read.err" & rp=$!
echo v2 >"$W/v2"; shm-load -q -t 30 "$W/v2" 2>"$W/load.err" & lp=$!
PIDS+=("$rp" "$lp")
done_or_waiting() { gone "$1" || sleeping_in "$1" futex; }
wait_until 30 "the read answered or waits" done_or_waiting "$rp"
wait_until 30 "the load answered or waits" done_or_waiting "$lp"
kill -CONT "$HP"
wait_rc "$rp"; [ "$RC" = 0 ] || fail "the read: rc=$RC $(cat "$W/read.err")"
wait_rc "$lp"; [ "$RC" = 0 ] || fail "the load: rc=$RC $(cat "$W/load.err")"
! grep -q collision "$W/read.err" "$W/load.err" || fail "a false ftok collision: $(cat "$W/read.err" "$W/load.err")"
grep -qx 'v[12]' "$W/read.out" || fail "the read gave: $(head -c 100 "$W/read.out")"
[ "$(ftok_key "$sem_file")" = "$sem_key" ] || fail "the holder did not put its semaphore key file back"
run shm-read
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = v2 ] || fail "after the repair: rc=$RC $ERR"
kill "$qp"; wait_rc "$qp" # Qt removes the key file by name as it detaches
back() { [ "$(ftok_key "$sem_file" 2>/dev/null)" = "$sem_key" ] && [ "$(shm-read -t 1 2>/dev/null)" = v2 ]; }
poll_until 10 back || fail "after the Qt peer detached: $(shm-read -t 1 2>&1)"
pass "tools waited for the holder to put its semaphore key file back, and met it again after the Qt peer left"
