#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: the lock wait defaults to 10 s -> exit 7. Not before 9.5 s; the upper bound (20 s)
# leaves room for ASan on a loaded machine.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
semid=$(jget semid); "$H" hold "$semid" 120 >"$W/h" & PIDS+=("$!")
wait_until 30 "the hostile process holds the lock" has_line "$W/h" held
t=$(now_ms); run shm-read; el=$(ms "$t")
{ [ "$RC" = 7 ] && [ "$el" -ge 9500 ] && [ "$el" -lt 20000 ]; } && pass "rc=7 after ${el}ms" || fail "rc=$RC after ${el}ms: $ERR"
