#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: a segment planted by another user under our System V key -> exit 9, left untouched.
. "$(dirname "$0")/../support/common.sh"
require_nobody
plant_foreign_segment; id=$PLANTED
run shm-create -d -q -s 64K; if [ "$RC" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi; r1=$RC; e1=$ERR
run shm-read; r2=$RC
still=no; if ipcs -m | awk '{print $2}' | grep -qx "$id"; then still=yes; fi
{ [ "$r1" = 9 ] && [ "$r2" = 9 ] && [ $still = yes ]; } && pass "create rc=9 ($e1); read rc=9; planted left" || fail "create rc=$r1 '$e1' read rc=$r2 left=$still"
