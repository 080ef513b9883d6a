#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: create/load/read round trip is binary-safe and --json is valid JSON.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder did not start"
printf 'hello\0world' >"$W/in"
run shm-load -q "$W/in"; [ "$RC" = 0 ] || fail "load rc=$RC $ERR"
run shm-read; cmp -s "$OUT" "$W/in" || fail "read differs rc=$RC $ERR"
run shm-read --json; "$JSON_FIELD" <"$OUT" || fail "json invalid: $(cat "$OUT")"
pass "create/load/read round trip, binary-safe, JSON valid"
