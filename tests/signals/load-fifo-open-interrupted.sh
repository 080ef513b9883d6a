#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-load FIFO` waits in open() for a writer; SIGINT, SIGTERM and SIGHUP
# there answer as interrupts: exit 130 and one line saying so, not exit 5 "Interrupted system
# call"; the previous content stays.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo before | shm-load -q - || fail "first load"
mkfifo "$W/input"
results=""
for sig in INT TERM HUP; do
  shm-load "$W/input" 2>"$W/err" & p=$!
  PIDS+=("$p")
  wait_catching "$p" 1 2 15
  # Blocked opening the FIFO (fifo_open waits for a partner).
  wait_sleeping_in "$p" fifo partner pipe
  kill -"$sig" "$p"
  wait_rc "$p"
  ERR=$(cat "$W/err")
  [ "$RC" = 130 ] || fail "SIG$sig while opening a FIFO: rc=$RC (expected 130): $ERR"
  [ "$(wc -l <"$W/err")" = 1 ] || fail "SIG$sig: not one line: $ERR"
  [[ $ERR == "shm-load: "*"input: interrupted while opening it"* ]] || fail "SIG$sig: unexpected message: $ERR"
  results+=" SIG$sig=$RC"
done
[ "$(shm-read)" = before ] || fail "the previous content changed"
pass "$results; $ERR"
