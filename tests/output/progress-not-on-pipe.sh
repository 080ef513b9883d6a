#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: progress bars only on a terminal; --progress into a non-terminal stderr prints nothing
# extra; scripts get clean stderr.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64M || fail "holder"; head -c 50000000 /dev/urandom >"$W/in"
shm-load --progress "$W/in" 2>"$W/e1"
shm-read --progress >/dev/null 2>"$W/e2"
shm-load -q --progress "$W/in" 2>"$W/e3"
{ [ "$(wc -l <"$W/e1")" = 1 ] && ! grep -q $'\r\|\e' "$W/e1" && [ ! -s "$W/e2" ] && [ ! -s "$W/e3" ]; } && pass "clean: $(cat "$W/e1")" || fail "e1=$(cat -v "$W/e1" | head -c 300) e2=$(cat -v "$W/e2" | head -c 200)"
