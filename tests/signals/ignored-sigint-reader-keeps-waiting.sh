#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: SIGINT ignored at start (cmd & in a script) stays ignored -> shm-read --wait keeps waiting.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
bash -c 'trap "" INT; exec shm-read --wait' >"$W/o" 2>/dev/null & p=$!
wait_sleeping_in "$p" futex
ignores_signal "$p" 2 || fail "the reader does not keep SIGINT ignored"
kill -INT "$p"
# What is tested is that the reader is still waiting after the signal: give a wrongly handled
# SIGINT half a second to end it.
sleep 0.5
if gone "$p"; then wait_rc "$p"; fail "reader with ignored SIGINT exited rc=$RC"; fi
echo v | shm-load -q -; wait_rc "$p"
{ [ "$RC" = 0 ] && [ "$(cat "$W/o")" = v ]; } && pass "ignored SIGINT stays ignored; --wait delivered" || fail "rc=$RC out=$(cat "$W/o")"
