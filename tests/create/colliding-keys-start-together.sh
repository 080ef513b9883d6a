#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Holders of two keys, ALPHA and BETA, whose stale key files meet pairwise under the same System
# V keys (an ftok collision), started at the same instant: both start (exit 0) with key files of
# their own, each serves its own content, and removing one leaves the other; 5 rounds. Before
# (outside pass 8, case 11 on a later build): now and then the second to make its segment found
# the first's under its key and exited 9.
. "$(dirname "$0")/../support/common.sh"
cat >"$W/inside.sh" <<'INSIDE'
K=$1
alpha=$K-alpha beta=$K-beta
trap 'for k in "$alpha" "$beta"; do shm-create --remove -q -t 5 -k "$k" 2>/dev/null || true; done' EXIT
# The key file names, from holders started and stopped once.
for k in "$alpha" "$beta"; do
  shm-create -d -q -s 4096 -k "$k" >/dev/null || fail "probe holder $k"
  mapfile -t names < <(ls "$T")
  shm-create --remove -q -k "$k" || fail "probe holder $k: --remove"
  [ "$k" = "$alpha" ] && { aseg=$T/${names[0]} asem=$T/${names[1]}; } || { bseg=$T/${names[0]} bsem=$T/${names[1]}; }
done
for round in 1 2 3 4 5; do
  : >"$aseg"; : >"$asem"; chmod 640 "$aseg" "$asem"
  alias_file "$bseg" "$aseg"
  alias_file "$bsem" "$asem"
  for k in "$alpha" "$beta"; do
    (rc=0; shm-create -d -q -s 4096 -k "$k" >/dev/null 2>"$T.$k.err" || rc=$?; echo "$rc" >"$T.$k.rc") &
  done
  wait
  for k in "$alpha" "$beta"; do
    [ "$(cat "$T.$k.rc")" = 0 ] || fail "round $round: $k: rc=$(cat "$T.$k.rc") $(cat "$T.$k.err")"
    echo "$k-$round" | shm-load -q -k "$k" -
  done
  [ "$(ftok_of "$aseg")" != "$(ftok_of "$bseg")" ] || fail "round $round: the segment key files still meet"
  [ "$(ftok_of "$asem")" != "$(ftok_of "$bsem")" ] || fail "round $round: the semaphore key files still meet"
  shm-create --remove -q -k "$alpha" || fail "round $round: ALPHA's --remove"
  [ "$(shm-read -k "$beta")" = "$beta-$round" ] || fail "round $round: BETA after ALPHA's removal: $(shm-read -k "$beta" 2>&1)"
  shm-create --remove -q -k "$beta" || fail "round $round: BETA's --remove"
  [ -z "$(ls -A "$T")$(ipcs -m -s | grep '^0x')" ] || fail "round $round: left: $(ls -A "$T") $(ipcs -m -s | grep '^0x')"
done
echo "5 rounds: both keys started at once with key files of their own, each removal left the other"
INSIDE
run_with_aliasing_tmpfs "$W/inside.sh" "$K"
