#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 4: a process holding the lock makes others fail with exit 7 after --timeout, naming its PID.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
semid=$(jget semid)
"$H" hold "$semid" 60 >"$W/h" & hp=$!; PIDS+=("$hp")
wait_until 30 "the hostile process holds the lock" has_line "$W/h" held
t=$(now_ms); run shm-load -q -t 1 "$W/small"; el=$(ms "$t")
{ [ "$RC" = 7 ] && echo "$ERR" | grep -q "$hp" && [ "$el" -lt 8000 ]; } && pass "rc=7 in ${el}ms naming PID $hp: $ERR" || fail "expected rc 7 naming $hp; rc=$RC ${el}ms: $ERR"
