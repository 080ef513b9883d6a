#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README --exec: the content goes to CMD's stdin; a CMD that ignores its stdin must not end the
# follower (SIGPIPE): it keeps following.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 8M || fail "holder"
shm-read --follow --exec "echo \$SHM_GENERATION >> $W/log" >/dev/null 2>"$W/e" & fp=$!
wait_sleeping_in "$fp" futex
head -c 5000000 /dev/urandom | shm-load -q -
wait_until 30 "the first run of CMD" lines_at_least "$W/log" 1
head -c 5000000 /dev/urandom | shm-load -q -
wait_until 30 "the second run of CMD" lines_at_least "$W/log" 2
# after the second run the follower either waits again (its futex) or has wrongly ended
settled() { gone "$fp" || sleeping_in "$fp" futex; }
wait_until 30 "the follower waits again or has ended" settled
if gone "$fp"; then wait_rc "$fp"; fail "follower died rc=$RC when CMD did not read its stdin: $(cat "$W/e")"; fi
wait_catching "$fp" 2
kill -INT "$fp"; wait_rc "$fp"
[ "$(tr '\n' ' ' <"$W/log")" = "1 2 " ] && pass "follower survived non-reading CMD, ran twice, rc=$RC; stderr: $(head -c 150 "$W/e")" || fail "log=$(cat "$W/log") rc=$RC"
