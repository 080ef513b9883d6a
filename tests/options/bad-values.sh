#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README exit 2: size abc, 0, negative; negative timeout; unknown option; at most two lines each
# naming the tool.
. "$(dirname "$0")/../support/common.sh"
bad=""
for s in abc 0 -5 -1K 1Q ""; do
  run shm-create -s "$s"; [ "$RC" = 2 ] || bad="$bad size'$s':rc=$RC"
  [ "$(echo "$ERR" | wc -l)" -le 2 ] || bad="$bad size'$s':multiline"
done
for t in -1 abc -0.5 nan inf; do run shm-read -t "$t"; [ "$RC" = 2 ] || bad="$bad timeout'$t':rc=$RC"; done
run shm-load --bogus x; [ "$RC" = 2 ] || bad="$bad unknown:rc=$RC"
run shm-read --since -3; [ "$RC" = 2 ] || bad="$bad since-neg:rc=$RC"
[ -z "$bad" ] && pass "all exit 2" || fail "$bad"
