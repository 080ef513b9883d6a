#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove waits for the holder only up to -t: a holder that does not stop (here
# SIGSTOPped, so SIGTERM stays pending) makes it exit 7 within the bound, naming the holder;
# once the holder runs again it stops and removes everything.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
t0=$(now_ms)
run shm-create --remove -t 1
took=$(ms "$t0")
kill -CONT "$HP"
wait_gone "$HP" 10
[ "$RC" = 7 ] || fail "rc=$RC (expected 7) '$ERR'"
[[ $ERR == *"PID $HP"* ]] || fail "the message does not name the holder: $ERR"
[ "$took" -lt 5000 ] || fail "took ${took} ms with -t 1"
leftover=$(ls "$TMPDIR" | grep -c '^qipc_' || true)
[ "$leftover" = 0 ] || fail "after SIGCONT the holder left $leftover key files"
pass "rc=7 after ${took} ms: $ERR; the holder removed everything once continued"
