#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 1: input growing while loading -> a complete, checksum-valid version (rc 0 or 6),
# never torn.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 16M || fail "holder"
head -c 4000000 /dev/urandom >"$W/in"
(for _ in $(seq 200); do head -c 20000 /dev/urandom >>"$W/in"; done) & ap=$!
run shm-load -q "$W/in"; r=$RC; wait "$ap"
run shm-read; r2=$RC; n=$(stat -c %s "$OUT")
cmp -s "$OUT" <(head -c "$n" "$W/in") || fail "output is not a prefix snapshot of the file"
{ [ "$r2" = 0 ] && { [ "$r" = 0 ] || [ "$r" = 6 ]; }; } && pass "load rc=$r, read rc=0, $n bytes consistent" || fail "load rc=$r read rc=$r2"
