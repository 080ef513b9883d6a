#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# "No lock is ever held twice without the protocol noticing" (design.md, guarantee 14): when the
# semaphore hands out a unit while a live participant is recorded inside the lock (what a Qt
# program's failed create() causes: it resets a held semaphore to 1), a tool never enters: it
# times out saying the lock was granted twice. Once that participant is gone, the next tool
# enters at once, and the semaphore counts one again. The participant inside is played by an
# OFD lock on a byte of the key file whose token is written into the header's lock-owner word
# (offset 72, format 3), with the semaphore free, as after Qt's reset.
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
start_holder -s 64K || fail "holder"
echo v | shm-load -q -
shmid=$(jget shmid)
semid=$(jget semid)
keyfile=$(ls "$W"/qipc_sharedmemory_*)
token=$((1 << 40))
mkfifo "$W/go"
exec 8<>"$W/go"
"$P" hold-token "$keyfile" "$token" <"$W/go" >"$W/token.out" 2>&1 8>&- & tp=$!
PIDS+=("$tp")
wait_until 30 "the token is held" has_line "$W/token.out" '^held$'
for i in 0 1 2 3 4 5 6 7; do
  "$H" poke "$shmid" $((72 + i)) $(((token >> (8 * i)) & 0xff)) || fail "poke"
done
run shm-read -t 1
[ "$RC" = 7 ] || fail "with a live participant inside: rc=$RC (want 7): $ERR"
[[ $ERR == *"granted twice"* ]] || fail "the timeout does not say why: $ERR"
[ ! -s "$OUT" ] || fail "it read while another participant was inside"
exec 8>&-
wait_rc "$tp"
run shm-read -t 5
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = v ] || fail "after the participant inside died: rc=$RC $ERR"
semval=$(ipcs -s -i "$semid" | awk '$1 == "0" { print $2 }')
[ "$semval" = 1 ] || fail "the semaphore counts $semval, not 1"
pass "no tool entered while a live participant was inside; afterwards the lock counted one"
