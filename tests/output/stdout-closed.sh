#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: output into a closed stdout is an error (exit 1).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
r=0; shm-read >&- 2>"$W/e" || r=$?
r2=0; shm-read --json >&- 2>/dev/null || r2=$?
{ [ $r = 1 ] && [ $r2 = 1 ]; } && pass "rc=1: $(cat "$W/e")" || fail "read rc=$r json rc=$r2: $(cat "$W/e")"
