#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Ctrl-C is --follow's documented way to end: between versions it prints
# nothing (exit 130 stays), where it printed "interrupted while waiting for a version newer than
# generation N" even with -q. And --since N ahead of the current generation M says so once on
# stderr (not with -q), as it may wait long for versions not yet published.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
echo -n v1 | shm-load -q - || fail "load"
for quiet in "" -q; do
  # shellcheck disable=SC2086 # -q or nothing
  shm-read $quiet --follow >"$W/out" 2>"$W/err" & fp=$!
  PIDS+=("$fp")
  wait_catching "$fp" 2
  wait_sleeping_in "$fp" futex
  kill -INT "$fp"
  wait_rc "$fp"
  [ "$RC" = 130 ] || fail "--follow $quiet ended by SIGINT: expected exit 130, got $RC"
  [ ! -s "$W/err" ] || fail "--follow $quiet ended by SIGINT said: $(cat "$W/err")"
done
run shm-read --since 5 -t 0.2
[ "$RC" = 7 ] || fail "--since ahead: rc=$RC $ERR"
[ "$(head -n 1 <<<"$ERR")" = "shm-read: $K: --since 5 is ahead of the current generation 1; waiting for a version after generation 5" ] ||
  fail "--since ahead, first line: $ERR"
[ "$(wc -l <<<"$ERR")" = 2 ] || fail "--since ahead: not once: $ERR"
run shm-read -q --follow --since 5 -t 0.2
[ "$RC" = 7 ] && [[ $ERR != *"is ahead"* ]] || fail "-q --since ahead: rc=$RC $ERR"
run shm-read --since 0
[ "$RC" = 0 ] && [ -z "$ERR" ] && [ "$(cat "$OUT")" = v1 ] || fail "--since behind: rc=$RC $ERR"
pass "--follow ends silently on Ctrl-C; --since ahead says so once"
