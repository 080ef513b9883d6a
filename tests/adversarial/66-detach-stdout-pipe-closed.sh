#!/usr/bin/env bash
# README: shm-create -d stops the holder it started when it cannot print its PID (here: stdout a
# pipe whose reader has already exited).
. "$(dirname "$0")/common.sh"
exec {pipe}> >(exit 0)
reader=$!
wait_gone "$reader"
r=0; shm-create -d -q -s 64K 1>&"$pipe" 2>"$W/e" || r=$?
exec {pipe}>&-
holders() { for q in $(marked_pids); do [ "$(cat "/proc/$q/comm" 2>/dev/null)" = shm-create ] && ! gone "$q" && echo "$q"; done; true; }
no_holder() { [ -z "$(holders)" ]; }
left=""; poll_until 10 no_holder || left=$(holders | tr '\n' ' ')
run shm-read; r2=$RC
{ [ -z "$left" ] && [ "$r2" = 3 ] && [ $r = 1 ]; } && pass "rc=1, holder stopped: $(cat "$W/e")" || fail "create rc=$r, stray holders: $left, read rc=$r2; $(cat "$W/e")"
