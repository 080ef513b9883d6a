#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: SIGHUP ends shm-load within 1 s, exit 130, in every phase (here: reading a slow
# producer); the previous version stays. Bound 3 s from the signal (ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"
echo old | shm-load -q -
mkfifo "$W/f"; (echo partial; sleep 60) >"$W/f" & PIDS+=("$!")
shm-load -q "$W/f" 2>"$W/e" & p=$!
wait_until 30 "the loader has read the first line" read_at_least "$p" 8
wait_sleeping_in "$p" pipe_read pipe_wait
wait_catching "$p" 1
t=$(now_ms); kill -HUP "$p"; wait_rc "$p"; el=$(ms "$t")
out=$(shm-read)
[ "$out" = old ] || fail "previous version lost: '$out'"
{ [ "$RC" = 130 ] && [ "$el" -lt 3000 ]; } && pass "HUP during slow input: rc=130 in ${el}ms; old version kept" || fail "expected 130 <3s; rc=$RC ${el}ms $(cat "$W/e")"
