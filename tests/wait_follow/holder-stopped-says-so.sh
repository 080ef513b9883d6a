#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# When --wait, --since or --follow ends because the holder stopped, the
# message says so (exit 3) and guesses no other key ("did you mean -k KEY2?" is for a key that
# was never found), even with a near key held.
. "$(dirname "$0")/../support/common.sh"
near=$(timeout 60 shm-create -d -q -s 64K -k "${K}2") || fail "near holder"
PIDS+=("$near")
for how in --wait "--since 0" --follow; do
  start_holder -s 64K || fail "holder"
  # shellcheck disable=SC2086 # $how is one option, or an option and its value
  shm-read $how >/dev/null 2>"$W/e" & p=$!
  wait_sleeping_in "$p" futex
  shm-create -q --remove || fail "$how: --remove failed"
  wait_rc "$p"; err=$(cat "$W/e")
  [ "$RC" = 3 ] || fail "$how: rc=$RC (3 expected): $err"
  [[ $err == "shm-read: $K: the holder stopped "*"start a new holder with 'shm-create -k $K'"* ]] || fail "$how: $err"
  [[ $err != *"did you mean"* ]] || fail "$how guessed a key: $err"
  [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "$how: more than one line: $err"
done
pass "the holder stopped, said as such for --wait, --since and --follow, no key guessed"
