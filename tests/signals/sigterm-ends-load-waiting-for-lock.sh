#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README Signals: SIGTERM ends shm-load within 1 s with 130 while it waits for the segment lock
# (bound 3 s from the signal: ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
semid=$(jget semid); "$H" hold "$semid" 120 >"$W/h" & PIDS+=("$!")
wait_until 30 "the hostile process holds the lock" has_line "$W/h" held
shm-load -q -t 60 "$W/small" 2>"$W/e" & p=$!
wait_sleeping_in "$p" sem
wait_catching "$p" 15
t=$(now_ms); kill -TERM "$p"; wait_rc "$p"; el=$(ms "$t")
{ [ "$RC" = 130 ] && [ "$el" -lt 3000 ]; } && pass "rc=130 in ${el}ms" || fail "rc=$RC ${el}ms $(cat "$W/e")"
