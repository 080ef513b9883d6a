#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 2: loader SIGKILLed mid-stream leaves the previous version; the next load proceeds at
# once (bound 5 s with -t 5 would be a timeout: ASan, loaded machine, yet below it).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"
echo old | shm-load -q -
mkfifo "$W/f"; (head -c 300000 /dev/urandom; sleep 60) >"$W/f" & PIDS+=("$!")
shm-load -q "$W/f" & p=$!
wait_until 30 "the loader is mid-copy" read_at_least "$p" 300000
kill -KILL "$p"; wait_rc "$p"
[ "$(shm-read)" = old ] || fail "previous version lost"
t=$(now_ms); run shm-load -q -t 10 "$W/small"; el=$(ms "$t")
{ [ "$RC" = 0 ] && [ "$el" -lt 5000 ]; } || fail "next load rc=$RC ${el}ms $ERR"
cmp -s <(shm-read) "$W/small" || fail "new content wrong"
pass "killed loader lost nothing; next load ok in ${el}ms"
