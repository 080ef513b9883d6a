#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: signals end shm-read --follow --exec within 1 s, exit 130; the --exec command gets SIGTERM
# then SIGKILL. Measured from the signal with a 3 s bound (ASan, loaded machine).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
# the exec command ignores SIGTERM and sleeps long
shm-read --follow --exec "trap '' TERM; echo \$\$ > $W/child; sleep 60" >/dev/null 2>"$W/e" & p=$!
wait_sleeping_in "$p" futex
echo x | shm-load -q -
wait_until 30 "the --exec command has started" test -s "$W/child"
c=$(cat "$W/child")
wait_catching "$p" 2
PIDS+=("$c")
t=$(now_ms); kill -INT "$p"; wait_rc "$p"; el=$(ms "$t")
alive=no
if ! poll_until 5 gone "$c"; then alive=yes; fi
{ [ "$RC" = 130 ] && [ "$el" -lt 3000 ] && [ $alive = no ]; } &&
  pass "follow+exec: rc=130 in ${el}ms, TERM-ignoring child killed" ||
  fail "expected 130 <3s and child killed; rc=$RC ${el}ms child_alive=$alive"
