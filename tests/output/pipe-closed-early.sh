#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: every write checked; a pipe closed early must end shm-read promptly (exit 1 or SIGPIPE),
# not hang, no pin left.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 8M || fail "holder"
head -c 6000000 /dev/urandom >"$W/in"; shm-load -q "$W/in"
set +e; timeout 60 shm-read 2>"$W/e" | head -c 10 >/dev/null; r=${PIPESTATUS[0]}; set -e
rd=$(jget readers)
{ [ "$r" != 124 ] && [ "$rd" = 0 ]; } && pass "rc=$r (stderr: $(cat "$W/e")); readers=0" || fail "rc=$r readers=$rd"
