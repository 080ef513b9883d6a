#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: if the holder dies during --wait, the reader exits 3 at once (bound 3 s from the kill:
# ASan on a loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shm-read --wait >/dev/null 2>"$W/e" & p=$!
wait_sleeping_in "$p" futex
t=$(now_ms); kill -KILL "$HP"; wait_rc "$p"; el=$(ms "$t")
{ [ "$RC" = 3 ] && [ "$el" -lt 3000 ]; } && pass "rc=3 in ${el}ms" || fail "rc=$RC ${el}ms $(cat "$W/e")"
