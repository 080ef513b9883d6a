#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A segment made by shmget whose creator was killed before writing its header
# (nobody attached, every byte zero) is recovered by the next shm-create under the lock: removed
# and made anew (it held nothing). Deterministically (hostile_peer makes such a segment under the
# key and exits), then by SIGKILL at random moments of shm-create's start-up (bounded count). On
# main e9c9e2c the first gave exit 8 ("not made by shm-tools") for ever, until an ipcrm.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
seg_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep sharedmemory)
touch "$seg_file"
planted=$(plant "$seg_file" "$H" plant "$seg_file" 135168 0600) || fail "could not plant a half-made segment"
run shm-create -d -q -s 64K -t 5
[ "$RC" = 0 ] || fail "half-made segment not recovered: rc=$RC $ERR"
HP=$(cat "$OUT"); PIDS+=("$HP")
[ "$(jget shmid)" != "$planted" ] || fail "the half-made segment $planted was kept"
ipcs -m | awk '{print $2}' | grep -qx "$planted" && fail "the half-made segment $planted is still there"
echo v | shm-load -q - && [ "$(shm-read)" = v ] || fail "the new segment does not work"
kill "$HP"; wait_gone "$HP"

# A content of value is never removed: a segment with a nonzero byte, nobody attached, is refused.
touch "$seg_file"
planted=$(plant "$seg_file" "$H" plant "$seg_file" 135168 0600) || fail "plant 2"
"$H" poke "$planted" 100 7 || fail "poke"
run shm-create -d -q -s 64K -t 5
[ "$RC" = 0 ] && { PIDS+=("$(cat "$OUT")"); fail "a segment with content was replaced"; }
[ "$RC" = 8 ] || fail "a foreign segment with content: rc=$RC $ERR"
ipcrm -m "$planted"

# SIGKILL at random moments of start-up: whatever it leaves, the next start succeeds.
kills=0
for round in $(seq 1 25); do
  shm-create -q -s 64K -t 5 >/dev/null 2>&1 &
  victim=$!
  sleep "0.00$((RANDOM % 9))"
  kill -KILL "$victim" 2>/dev/null && kills=$((kills + 1))
  wait "$victim" 2>/dev/null || true
  run shm-create -d -q -s 64K -t 5
  [ "$RC" = 0 ] || fail "round $round: after a SIGKILL at start-up: rc=$RC $ERR"
  HP=$(cat "$OUT"); PIDS+=("$HP")
  kill "$HP"; wait_gone "$HP"
done
pass "half-made segment recovered; content of value refused (8); 25 start-up kills ($kills landed) recovered"
