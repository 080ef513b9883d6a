#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README Signals: SIGINT/SIGTERM/SIGHUP end shm-read --wait within 1 s with exit 130.
# Measured from the signal; the bound is 3 s, room for ASan on a loaded 2-core machine.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
bad=""
for s in INT TERM HUP; do
  shm-read --wait >/dev/null 2>"$W/e" & p=$!
  wait_sleeping_in "$p" futex
  wait_catching "$p" 1 2 15
  t=$(now_ms); kill -"$s" "$p"; wait_rc "$p"; el=$(ms "$t")
  { [ "$RC" = 130 ] && [ "$el" -lt 3000 ]; } || bad="$bad $s:rc=$RC,${el}ms"
done
[ -z "$bad" ] && pass "--wait: INT/TERM/HUP -> 130 <3s" || fail "expected 130 within 3s, got$bad"
