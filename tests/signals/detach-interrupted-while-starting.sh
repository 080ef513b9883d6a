#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README Signals: a shm-create -d still starting (here: adopting, blocked on a lock held by a
# hostile process) gets SIGINT -> exit 130, stops its half-started holder; the orphan stays
# adoptable. Bound 3 s from the signal (ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo keep | shm-load -q -
semid=$(jget semid); kill -KILL "$HP"; wait_gone "$HP"
"$H" hold "$semid" 120 >"$W/h" & hp=$!; PIDS+=("$hp")
wait_until 30 "the hostile process holds the lock" has_line "$W/h" held
shm-create -d -q -t 60 >"$W/o" 2>"$W/e" & p=$!
# shm-create processes of this test other than the starter
holders() { for q in $(marked_pids); do [ "$q" != "$p" ] && [ "$(cat "/proc/$q/comm" 2>/dev/null)" = shm-create ] && ! gone "$q" && echo "$q"; done; true; }
blocked_on_lock() { for q in $(holders); do sleeping_in "$q" sem && return 0; done; return 1; }
wait_until 30 "the starting holder is blocked on the lock" blocked_on_lock
wait_catching "$p" 2
t=$(now_ms); kill -INT "$p"; wait_rc "$p"; el=$(ms "$t")
no_holder() { [ -z "$(holders)" ]; }
left=""; poll_until 10 no_holder || left=$(holders | tr '\n' ' ')
kill "$hp"; wait_gone "$hp"
start_holder || fail "could not adopt afterwards (stray: $left)"
[ "$(shm-read)" = keep ] || fail "content lost"
{ [ "$RC" = 130 ] && [ "$el" -lt 3000 ] && [ -z "$left" ]; } && pass "rc=130 in ${el}ms, no stray holder, orphan still adoptable" || fail "rc=$RC ${el}ms stray=$left out=$(cat "$W/o") err=$(cat "$W/e")"
