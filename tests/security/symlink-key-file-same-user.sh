#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8 / Attach: "key file (a regular file we own)": a symlinked key file to an existing
# file must be refused, and a holder's clean stop must never delete the link's target.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
mkdir "$W/safe"
for n in "${NAMES[@]}"; do echo precious >"$W/safe/$n"; chmod 640 "$W/safe/$n"; ln -s "$W/safe/$n" "$W/$n"; done
run shm-create -d -q -s 4096; r=$RC; e=$ERR
if [ "$r" = 0 ]; then p=$(cat "$OUT"); PIDS+=("$p"); kill "$p"; wait_gone "$p"; fi
n=$(find "$W/safe" -type f | wc -l); c=$(cat "$W"/safe/* 2>/dev/null | grep -c precious || true)
{ [ "$n" = 2 ] && [ "$c" = 2 ]; } || fail "symlink targets destroyed: $n files left, $c intact (create rc=$r)"
[ "$r" = 9 ] && pass "rc=9: $e" || fail "symlinked key file accepted (rc=$r), targets survived; README says a key file must be a regular file"
