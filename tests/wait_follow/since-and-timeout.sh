#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: --since GEN returns the latest once generation > GEN; --wait -t is bounded (exit 7).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo a | shm-load -q -; echo b | shm-load -q -
[ "$(timeout 10 shm-read --since 1)" = b ] || fail "--since 1 did not return gen2 immediately"
t=$(now_ms); run shm-read --wait -t 0.5; el=$(ms "$t"); [ "$RC" = 7 ] || fail "--wait -t 0.5 rc=$RC"
shm-read --since 2 >"$W/o" & p=$!
wait_sleeping_in "$p" futex
echo c | shm-load -q -; wait_rc "$p"
[ "$(cat "$W/o")" = c ] && pass "--since ok; --wait timeout rc=7 in ${el}ms" || fail "--since 2 got $(cat "$W/o") rc=$RC"
