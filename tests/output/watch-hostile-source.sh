#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README --watch: one line per published version; names escaped (no forged lines, no terminal
# control).
. "$(dirname "$0")/../support/common.sh"
shm-create -s 64K --watch 2>"$W/w" & HP=$!; PIDS+=("$HP")
wait_until 30 "the --watch holder is ready" holder_ready
n0=$(line_count "$W/w")
echo v | shm-load -q --source $'a\nforged line\e[2Jz' -
wait_until 30 "--watch reports the first version" lines_at_least "$W/w" $((n0 + 1))
echo w | shm-load -q -
wait_until 30 "--watch reports the second version" lines_at_least "$W/w" $((n0 + 2))
kill "$HP"; wait_rc "$HP"
n=$(grep -c 'forged' "$W/w" || true); l=$(grep -c '^forged' "$W/w" || true)
if grep -q $'\e' "$W/w"; then fail "raw ESC in --watch output"; fi
{ [ "$n" = 1 ] && [ "$l" = 0 ]; } && pass "escaped: $(grep forged "$W/w")" || fail "watch output: $(cat -v "$W/w")"
