#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder SIGKILLed while a Qt program is attached; the Qt program's last detach() then removes
# the segment and its key file, as Qt does. Left: the semaphore, its key file and the holder's two
# anchors, no segment. shm-create --remove removes them (the semaphore under its lock), says what
# it removed and exits 0, where it said "nothing to remove" (exit 3) and left them; only a second
# --remove finds nothing. A holder started over such remains starts cleanly and works, and its
# --remove leaves nothing either.
. "$(dirname "$0")/../support/common.sh"
[ -x "$Q" ] || skip "QT_PEER_BIN not set"

# make_remains: a holder killed under an attached Qt peer, then the peer's last detach(); checks
# what is left and sets SEMID to the semaphore left.
make_remains() {
  local qp
  start_holder -s 64K || fail "holder"
  SEMID=$(jget semid)
  "$Q" hold "$K" >"$W/qt.out" 2>&1 & qp=$!
  PIDS+=("$qp")
  wait_until 30 "the Qt peer is attached" has_line "$W/qt.out" '^attached'
  kill -KILL "$HP"
  wait_gone "$HP"
  kill -TERM "$qp"
  wait_rc "$qp"
  [ "$RC" = 0 ] || fail "the Qt peer: rc=$RC $(cat "$W/qt.out")"
  ! ls "$TMPDIR"/qipc_sharedmemory_* >/dev/null 2>&1 || fail "Qt's last detach() left the segment key file"
  ls "$TMPDIR"/qipc_systemsem_* >/dev/null || fail "no semaphore key file left: $(ls -A "$TMPDIR")"
  [ "$(ls -A "$TMPDIR" | grep -c '\.shm-tools-anchor$')" = 2 ] || fail "not both anchors left: $(ls -A "$TMPDIR")"
  semaphore_exists "$SEMID" || fail "semaphore $SEMID gone already"
}

# nothing_left: no file of the key in TMPDIR (anchors included), and semaphore SEMID gone.
nothing_left() {
  local left
  left=$(ls -A "$TMPDIR" | grep qipc_ || true)
  [ -z "$left" ] || fail "left after --remove: $left"
  ! semaphore_exists "$SEMID" || fail "semaphore $SEMID left after --remove"
}

make_remains
run shm-create --remove
[ "$RC" = 0 ] || fail "--remove on the remains: rc=$RC (want 0) $ERR"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
[[ $ERR == "shm-create: $K: no segment was left"*"removed its semaphore $SEMID and its key files" ]] ||
  fail "does not say what it removed: $ERR"
nothing_left
run shm-create --remove
[ "$RC" = 3 ] && [[ $ERR == *"nothing to remove"* ]] || fail "a second --remove: rc=$RC (want 3) $ERR"

make_remains
start_holder -s 64K || fail "a holder over the remains did not start"
echo v | shm-load -q - || fail "load into the holder over the remains"
[ "$(shm-read)" = v ] || fail "read from the holder over the remains"
run shm-create --remove
[ "$RC" = 0 ] && [[ $ERR == *"stopped its holder (PID $HP)"* ]] || fail "--remove of that holder: rc=$RC $ERR"
wait_gone "$HP"
nothing_left
pass "the remains of a Qt peer's last detach() are removed (exit 0); a holder over them starts and works"
