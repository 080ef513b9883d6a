#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a read-only stdout -> exit 1; shm-load - with stdin closed -> exit 5 (input cannot be read).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
touch "$W/ro"; r1=0; shm-read 1<"$W/ro" 2>"$W/e" || r1=$?
r2=0; shm-load -q - <&- 2>"$W/e2" || r2=$?
[ "$(shm-read)" = v ] || fail "content changed by closed-stdin load (rc=$r2)"
{ [ $r1 = 1 ] && [ $r2 = 5 ]; } && pass "ro stdout rc=1; closed stdin rc=5: $(cat "$W/e2")" || fail "ro stdout rc=$r1 ($(cat "$W/e")); closed stdin rc=$r2 ($(cat "$W/e2"))"
