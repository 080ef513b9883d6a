#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder SIGKILLed while a Qt program is attached, then its key files and anchors removed (a
# cleaner of TMPDIR): its segment stays, attached by the Qt program alone, reached by no key.
# Whether its holder lives is decided in one place (protocol/holder_liveness), so every tool
# says the same: --list shows it as an orphan, shm-read and --remove exit 3 without naming a
# running holder, and the Qt program's last detach() removes it. Before, --list said "alive"
# (anything attached counted as a live holder), shm-read said the key files "were removed while
# its holder (PID N) runs", and --remove exited 4, "held by a running holder (PID N)".
. "$(dirname "$0")/../support/common.sh"
[ -x "$Q" ] || skip "QT_PEER_BIN not set"
start_holder -s 64K || fail "holder"
shmid=$(jget shmid)
key=$(ftok_key "$(ls "$TMPDIR"/qipc_sharedmemory_*)")
semkey=$(ftok_key "$(ls "$TMPDIR"/qipc_systemsem_*)")
semid=$(ipc_id s "$semkey")
# Reached by no key once its key files are gone: removed here by id (the segment if the test
# fails midway; the killed holder's semaphore always, as nothing else can find it).
CLEANUPS+=("ipc_exists m $shmid $key && ipcrm -m $shmid" "ipc_exists s $semid $semkey && ipcrm -s $semid")
"$Q" hold "$K" >"$W/qt.out" 2>&1 & qp=$!
PIDS+=("$qp")
wait_until 30 "the Qt peer is attached" has_line "$W/qt.out" '^attached'
kill -KILL "$HP"
wait_gone "$HP"
rm -f "$TMPDIR"/qipc_* "$TMPDIR"/.qipc_*
ipc_exists m "$shmid" "$key" || fail "segment $shmid gone with its holder"

# Its key files gone, it is no longer this TMPDIR's by identity: --list counts it as not
# reachable from here, --list --all shows it, with its state.
run shm-read --list --all
[ "$RC" = 0 ] || fail "--list --all: rc=$RC $ERR"
state=$(awk -v key="$K" '$NF == key { print $1 }' "$OUT")
[ "$state" = orphan ] || fail "--list --all calls segment $shmid '$state' (want orphan: its holder is dead): $(cat "$OUT")"
run shm-read -t 1
[ "$RC" = 3 ] && [[ $ERR != *runs* ]] || fail "shm-read: rc=$RC (want 3, naming no running holder) $ERR"
run shm-create --remove -t 3
[ "$RC" = 3 ] && [[ $ERR != *runs* ]] || fail "--remove: rc=$RC (want 3, naming no running holder) $ERR"
kill -TERM "$qp"
wait_rc "$qp"
[ "$RC" = 0 ] || fail "the Qt peer: rc=$RC $(cat "$W/qt.out")"
! ipc_exists m "$shmid" "$key" || fail "the Qt peer's last detach() left segment $shmid"
pass "--list, shm-read and --remove all take the killed holder for dead"
