#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The documented limit (design.md, "What is not guaranteed"): a child made without fork()'s
# handlers (syscall(SYS_fork), or clone() as some runtimes use it) inherits the holder's key-file
# descriptor and with it the lock that is the holder's life. After the holder is SIGKILLed, its
# segment counts as held for as long as that child runs (reads work, shm-create exits 4, and
# --remove exits 4 naming that child rather than signalling it or claiming a removal); once the
# child exits, tools exit 3 at once and shm-create adopts the segment with its content.
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
mkfifo "$W/go"
exec 8<>"$W/go"
"$P" raw-fork-holder "$K" <"$W/go" >"$W/peer.out" 2>&1 8>&- & pp=$!
PIDS+=("$pp")
wait_until 30 "the holder made its child and killed itself" has_line "$W/peer.out" '^child'
child=$(sed -n 's/^child //p' "$W/peer.out")
PIDS+=("$child")
wait_rc "$pp"
[ "$RC" = 137 ] || fail "the holder was not SIGKILLed: rc=$RC $(cat "$W/peer.out")"
gone "$child" && fail "the raw child ended early"
echo kept | shm-load -q - || fail "a load while the raw child keeps the dead holder's lock"
run shm-create -s 4K
[ "$RC" = 4 ] || fail "while the raw child lives, shm-create: rc=$RC (documented: 4) $ERR"
run shm-create --remove -t 5
[ "$RC" = 4 ] && [[ $ERR == *"PID $child"* && $ERR == *"has exited"* ]] ||
  fail "--remove while the raw child lives: rc=$RC (want 4, naming the child PID $child, not signalling it) $ERR"
gone "$child" && fail "--remove ended the innocent child"
exec 8>&-
wait_gone "$child"
run shm-read -t 5
[ "$RC" = 3 ] && [[ $ERR == *"not running"* ]] || fail "after the child exited, shm-read: rc=$RC (want 3) $ERR"
start_holder -s 4K || fail "adoption"
[ "$(shm-read)" = kept ] || fail "the adopted segment lost its content"
pass "the raw child kept the killed holder's lock until it exited; then exit 3 and adoption"
