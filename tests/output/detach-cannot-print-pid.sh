#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: shm-create -d stops the holder it started when it cannot print its PID.
. "$(dirname "$0")/../support/common.sh"
r=0; shm-create -d -q -s 64K >/dev/full 2>"$W/e" || r=$?
holders() { for q in $(marked_pids); do [ "$(cat "/proc/$q/comm" 2>/dev/null)" = shm-create ] && ! gone "$q" && echo "$q"; done; true; }
no_holder() { [ -z "$(holders)" ]; }
left=""; poll_until 10 no_holder || left=$(holders | tr '\n' ' ')
run shm-read; r2=$RC
{ [ $r = 1 ] && [ "$r2" = 3 ] && [ -z "$left" ]; } && pass "rc=1, holder gone: $(cat "$W/e")" || fail "create rc=$r, read rc=$r2 (3 = no holder), leftover holders: $left"
