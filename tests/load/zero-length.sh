#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: any bytes, 0 up to the capacity; a never-loaded segment reads empty, generation 0.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4096 || fail "holder"
run shm-read; { [ "$RC" = 0 ] && [ ! -s "$OUT" ]; } || fail "never loaded: rc=$RC"
{ [ "$(jget generation)" = 0 ] && [ "$(jget checksum)" = null ]; } || fail "gen0 json wrong: $(shm-read --json)"
: | shm-load -q - || fail "empty load failed"
run shm-read; { [ "$RC" = 0 ] && [ ! -s "$OUT" ]; } || fail "empty read rc=$RC"
{ [ "$(jget generation)" = 1 ] && [ "$(jget length)" = 0 ]; } || fail "gen/len after empty load"
head -c 4096 /dev/urandom >"$W/full"; shm-load -q "$W/full" || fail "exact capacity refused"
cmp -s <(shm-read) "$W/full" || fail "exact capacity differs"
pass "0 bytes and exactly capacity both work"
