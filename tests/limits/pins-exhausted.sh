#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 6: readers beyond the 64 pins wait for a free one (woken when a reader finishes),
# bounded by --timeout (exit 7). Woken within 4 s of a death (ASan, loaded machine), not at 30 s.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4M || fail "holder"; head -c 3000000 /dev/urandom | shm-load -q -
rp=()
for i in $(seq 64); do
  mkfifo "$W/f$i"; exec {fd}<>"$W/f$i"
  shm-read >"$W/f$i" 2>/dev/null & rp+=("$!"); PIDS+=("$!")
done
all_blocked() { local q; for q in "${rp[@]}"; do sleeping_in "$q" pipe_write pipe_wait || return 1; done; }
wait_until 120 "all 64 readers are blocked on their pipes" all_blocked
run shm-read -t 1; r1=$RC; e1=$ERR
shm-read -t 30 >/dev/null 2>"$W/e" & w=$!
wait_sleeping_in "$w" futex
t=$(now_ms); kill -KILL "${rp[0]}"; wait_rc "$w"; el=$(ms "$t")
{ [ "$r1" = 7 ] && [ "$RC" = 0 ] && [ "$el" -lt 4000 ]; } && pass "65th: rc=7 ($e1); waiter got pin ${el}ms after a death" || fail "65th rc=$r1 ($e1); waiter rc=$RC after ${el}ms $(cat "$W/e")"
