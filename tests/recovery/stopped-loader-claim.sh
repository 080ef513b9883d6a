#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 3: a loader stalled mid-copy (SIGSTOP) does not delay readers; another loader waits
# and exits 7 naming it (or proceeds). A delayed reader would wait 10 s for the lock: the bound is
# 5 s (ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"; echo old | shm-load -q -
mkfifo "$W/f"; (head -c 100000 /dev/urandom; sleep 60) >"$W/f" & PIDS+=("$!")
shm-load -q "$W/f" & lp=$!; PIDS+=("$lp")
wait_until 30 "the loader is mid-copy" read_at_least "$lp" 100000
kill -STOP "$lp"; wait_until 30 "the loader is stopped" stopped "$lp"
t=$(now_ms); r=$(timeout 20 shm-read || true); el=$(ms "$t")
{ [ "$r" = old ] && [ "$el" -lt 5000 ]; } || fail "reader got '$r' after ${el}ms"
run shm-load -q -t 1 "$W/small"; r2=$RC; e2=$ERR
kill -CONT "$lp"; kill -KILL "$lp"
{ [ "$r2" = 0 ] || { [ "$r2" = 7 ] && echo "$e2" | grep -q "$lp"; }; } && pass "reader ${el}ms; 2nd loader rc=$r2: $e2" || fail "2nd loader rc=$r2: $e2"
