#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 2: a loader waiting for a slot pinned by a reader wakes within ms of the reader's
# death, not at its timeout (30 s). Bound 3 s from the kill: ASan on a loaded machine.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4M || fail "holder"
head -c 3000000 /dev/urandom >"$W/in"; shm-load -q "$W/in"
mkfifo "$W/f"; exec 9<>"$W/f"
shm-read >"$W/f" & rp=$!; PIDS+=("$rp")
wait_sleeping_in "$rp" pipe_write pipe_wait
shm-load -q "$W/small"
shm-load -q -t 30 /etc/passwd 2>"$W/e" & lp=$!
wait_sleeping_in "$lp" futex
t=$(now_ms); kill -KILL "$rp"; wait_rc "$lp"; el=$(ms "$t"); exec 9>&-
{ [ "$RC" = 0 ] && [ "$el" -lt 3000 ]; } && pass "waiting loader finished ${el}ms after reader death" || fail "rc=$RC after ${el}ms $(cat "$W/e")"
