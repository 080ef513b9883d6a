#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README --exec: runs sh -c CMD once per version with the content on stdin and SHM_GENERATION; a
# failing, non-reading CMD must not end the follower.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"
shm-read --follow --exec 'echo "g=$SHM_GENERATION" >> '"$W"'/log; exit 3' >/dev/null 2>"$W/e" & fp=$!
wait_sleeping_in "$fp" futex
head -c 500000 /dev/urandom | shm-load -q -
wait_until 30 "the first run of CMD" lines_at_least "$W/log" 1
echo b | shm-load -q -
wait_until 30 "the second run of CMD" lines_at_least "$W/log" 2
# after the second run the follower either waits again (its futex) or has wrongly ended
settled() { gone "$fp" || sleeping_in "$fp" futex; }
wait_until 30 "the follower waits again or has ended" settled
if gone "$fp"; then wait_rc "$fp"; fail "follower exited rc=$RC after failing CMD: $(cat "$W/e")"; fi
wait_catching "$fp" 2
kill -INT "$fp"; wait_rc "$fp"
{ [ "$(tr '\n' ' ' <"$W/log")" = "g=1 g=2 " ] && [ "$RC" = 130 ]; } && pass "2 runs, SHM_GENERATION ok, rc=130; stderr: $(head -c 200 "$W/e")" || fail "log=$(tr '\n' ' ' <"$W/log") rc=$RC"
