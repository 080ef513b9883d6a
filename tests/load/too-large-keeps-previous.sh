#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: larger than capacity -> exit 6, the previous version stays; /dev/zero -> exit 6 promptly
# (bound 5 s: ASan on a loaded machine; an unbounded read would hit the 60 s limit).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo old | shm-load -q -
head -c 65537 /dev/urandom >"$W/big"
run shm-load -q "$W/big"; r1=$RC; e1=$ERR
r2=0; head -c 65537 /dev/urandom | shm-load -q - 2>/dev/null || r2=${PIPESTATUS[1]}
t=$(now_ms); run shm-load -q /dev/zero; r3=$RC; el=$(ms "$t")
{ [ "$(shm-read)" = old ] && [ "$(jget generation)" = 1 ]; } || fail "previous version not kept"
{ [ "$r1" = 6 ] && [ "$r2" = 6 ] && [ "$r3" = 6 ] && [ "$el" -lt 5000 ]; } && pass "rc 6/6/6, /dev/zero ${el}ms: $e1" || fail "file rc=$r1 pipe rc=$r2 zero rc=$r3 ${el}ms"
