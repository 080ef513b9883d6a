#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read --wait -t 0.5` that runs out says what to do: raise -t, or leave
# it out (the wait for a version is unbounded without it). Exit 7.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
for wait in --wait "--since 5"; do
  # shellcheck disable=SC2086 # the words of the option
  run shm-read -q $wait -t 0.2 # -q: only the error, not the note that --since 5 is ahead
  [ "$RC" = 7 ] && [[ $ERR == "shm-read: $K: timed out after 0.2 s waiting for a version newer than generation "*"; raise -t/--timeout, or leave it out to wait as long as it takes for a new version (shm-load publishes one)" ]] ||
    fail "$wait: rc=$RC $ERR"
done
pass "a version wait that runs out names -t"
