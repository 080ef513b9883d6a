#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --remove -t T` on a stopped holder (SIGSTOP) said only "PID n
# did not exit" (twice). The kernel says it is stopped (/proc state T): the message says so,
# that the SIGTERM is pending, and that `kill -CONT PID` lets it finish; continued, it does.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
run shm-create --remove -t 0.3
[ "$RC" = 7 ] || fail "expected exit 7 (timed out), got rc=$RC $ERR"
[ "$ERR" = "shm-create: $K: its holder, PID $HP is stopped (SIGSTOP or a debugger), so it did not exit within 0.3 s; the SIGTERM sent is pending; 'kill -CONT $HP' lets it go on (a signal sent meanwhile stays pending)" ] ||
  fail "message: $ERR"
kill -CONT "$HP"
wait_gone "$HP" 30
run shm-read --json
[ "$RC" = 3 ] || fail "the segment outlived its continued holder: rc=$RC $ERR"
pass "a stopped holder is named as stopped, with kill -CONT"
