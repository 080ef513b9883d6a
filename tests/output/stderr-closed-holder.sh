#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: stdout carries data only, messages go to stderr; with stdin and stderr closed the tools
# still work and never write messages into a reused descriptor.
. "$(dirname "$0")/../support/common.sh"
HP=$(shm-create -d -s 64K <&- 2>&-) || true
[ -n "$HP" ] || fail "no pid printed"
PIDS+=("$HP")
echo v | shm-load - 2>&- || fail "load with stderr closed"
o=$(shm-read 2>&-) || true; [ "$o" = v ] || fail "read with stderr closed got '$o'"
shm-read --info 2>&- | grep -q '^key' || fail "--info with stderr closed"
# a missing key: the error into a closed stderr must not land in stdout
r=0; o=$(shm-read -k "$K-nope" 2>&-) || r=$?
{ [ -z "$o" ] && [ $r = 3 ]; } && pass "closed std fds handled; error not leaked to stdout" || fail "rc=$r stdout='$o'"
