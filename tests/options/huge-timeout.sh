#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README -t SECONDS, decimals allowed: a huge timeout (1e30) means "wait long", not an overflow
# into an immediate timeout or a crash (or it is refused with exit 2).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shm-read --wait -t 1e30 >"$W/o" 2>"$W/e" & p=$!
settled() { gone "$p" || sleeping_in "$p" futex; }
wait_until 30 "the reader waits or has ended" settled
if gone "$p"; then
  wait_rc "$p"
  [ "$RC" = 2 ] && pass "refused rc=2: $(cat "$W/e")" || fail "--wait -t 1e30 ended at once rc=$RC: $(cat "$W/e")"
fi
echo v | shm-load -q -; wait_rc "$p"
{ [ "$RC" = 0 ] && [ "$(cat "$W/o")" = v ]; } && pass "-t 1e30 waited and delivered" || fail "rc=$RC $(cat "$W/e")"
