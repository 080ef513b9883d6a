#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: every write checked: with SIGPIPE ignored, a pipe closed early is an error (exit 1, one
# line), not a hang; no pin left.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 8M || fail "holder"; head -c 6000000 /dev/urandom | shm-load -q -
set +e; bash -c "trap '' PIPE; exec timeout 60 shm-read" 2>"$W/e" | head -c 10 >/dev/null; r=${PIPESTATUS[0]}; set -e
rd=$(jget readers)
{ [ "$r" = 1 ] && [ "$rd" = 0 ] && [ "$(wc -l <"$W/e")" = 1 ]; } && pass "rc=1: $(cat "$W/e")" || fail "rc=$r readers=$rd stderr=$(cat "$W/e")"
