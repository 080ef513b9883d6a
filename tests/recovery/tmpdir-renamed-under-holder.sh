#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantees 9 and 10: the holder's TMPDIR renamed while it runs (mv A B: key
# files, anchors and their inodes intact, now under B). With TMPDIR=B the tools reach the
# segment (the key file decides, not the path the holder recorded); from a new, empty A the key
# files are gone and the holder is named; --remove from B stops it and nothing is left.
# Before: shm-read from B said "an ftok collision ... made for key K in TMPDIR A" for the very
# same key files.
. "$(dirname "$0")/../support/common.sh"
mkdir "$W/A"
HP=$(TMPDIR=$W/A shm-create -d -q -s 64K) || fail "holder"
PIDS+=("$HP")
echo data | TMPDIR=$W/A shm-load -q -
mv "$W/A" "$W/B"
run env TMPDIR="$W/B" shm-read -t 3
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = data ] || fail "read from B: rc=$RC $ERR"
echo data2 | TMPDIR=$W/B shm-load -q - || fail "load from B"
mkdir "$W/A"
run env TMPDIR="$W/A" shm-read -t 1
[ "$RC" = 3 ] && [[ $ERR == *"PID $HP"* ]] || fail "read from a new A: rc=$RC (want 3 naming PID $HP) $ERR"
run env TMPDIR="$W/B" shm-create --remove -t 10
[ "$RC" = 0 ] || fail "--remove from B: rc=$RC $ERR"
wait_gone "$HP"
left=$(find "$W/A" "$W/B" -name '*qipc_*')
[ -z "$left" ] || fail "files left: $left"
pass "a renamed TMPDIR still reaches its holder's segment; --remove from there stops it"
