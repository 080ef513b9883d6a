#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a signal ignored when a tool starts (nohup) stays ignored.
. "$(dirname "$0")/../support/common.sh"
HP=$(nohup shm-create -d -q -s 64K 2>/dev/null) || fail "holder"
PIDS+=("$HP")
ignores_signal "$HP" 1 || fail "the nohup'd holder does not keep SIGHUP ignored"
kill -HUP "$HP"
# What is tested is that the holder is still there after the signal: give a wrongly handled
# SIGHUP half a second to end it.
sleep 0.5
gone "$HP" && fail "nohup'd holder died on SIGHUP"
shm-read >/dev/null 2>&1 || fail "segment gone after HUP"
pass "nohup'd detached holder survives SIGHUP"
