#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README Signals: SIGINT ends shm-read within 1 s with 130 while it is blocked writing into a full
# pipe; its pin is given back. Bound 3 s from the signal (ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4M || fail "holder"; head -c 3000000 /dev/urandom | shm-load -q -
mkfifo "$W/f"; exec 9<>"$W/f"
shm-read >"$W/f" 2>"$W/e" & p=$!
wait_sleeping_in "$p" pipe_write pipe_wait
wait_catching "$p" 2
t=$(now_ms); kill -INT "$p"; wait_rc "$p"; el=$(ms "$t"); exec 9>&-
rd=$(jget readers)
{ [ "$RC" = 130 ] && [ "$el" -lt 3000 ] && [ "$rd" = 0 ]; } && pass "rc=130 in ${el}ms, readers=0" || fail "rc=$RC ${el}ms readers=$rd"
