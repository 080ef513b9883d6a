#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder in a PID namespace started from here (a descendant of ours, as a container is to its
# host) is named by the PID it has here: --json's holder_pid and --info give that PID (not 0),
# and --remove from the host stops it (exit 0), since the host can signal it. From inside a
# namespace that cannot see the holder (a host holder seen from a container), --remove exits 4
# "cannot be signalled from here" and the holder keeps running.
. "$(dirname "$0")/../support/common.sh"
start_pid_namespace_holder
hp=$NS_HOLDER up=$NS_UNSHARE
[ "$(jget holder_pid)" = "$hp" ] || fail "--json holder_pid is $(jget holder_pid), the holder is PID $hp here"
run shm-read --info
grep -q "holder PID:.*\b$hp\b" "$OUT" || fail "--info does not give the holder's PID $hp here: $(cat "$OUT")"
run shm-create -s 64K
[ "$RC" = 4 ] && [[ $ERR == *"PID $hp (PID 1 in its PID namespace)"* ]] ||
  fail "a second holder is refused naming PID $hp and its PID there: rc=$RC $ERR"
run shm-create --remove -t 10
[ "$RC" = 0 ] || fail "--remove from the host: rc=$RC $ERR"
wait_gone "$hp"
wait_rc "$up"
# The other way round: a host holder, --remove from a namespace that cannot see it.
start_holder -s 64K || fail "host holder"
run unshare --pid --fork --kill-child --mount-proc shm-create --remove -t 2
[ "$RC" = 4 ] && [[ $ERR == *"cannot be signalled from here"* ]] ||
  fail "--remove from a namespace that cannot see the holder: rc=$RC (want 4) $ERR"
gone "$HP" && fail "the host holder stopped"
holder_ready || fail "the host holder no longer answers"
pass "holder in a child namespace named as PID $hp and removed from the host; the reverse refused with exit 4"
