#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Segment used in a child after fork() refuses with a clear error (it
# belongs to the parent), so does a Holder's serve() (it used to serve the
# parent's segment in the child until SIGTERM), and a child killed mid-load with a Segment of its own leaves nothing
# that makes the next load wait for the live, innocent parent. (Before: the child loaded in the
# parent's name, and after its death the next load waited for the parent and timed out.)
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
start_holder -s 64K || fail "holder"
shm-load -q "$W/small"
run "$P" fork-use "$K"
[ "$RC" = 0 ] || fail "fork-use rc=$RC: $(cat "$OUT") $ERR"
grep -q 'opened before fork().*open a new Segment in the child' "$OUT" || fail "no clear refusal: $(cat "$OUT")"
run "$P" fork-serve "$K-serve"
[ "$RC" = 0 ] || fail "fork-serve rc=$RC: $(cat "$OUT") $ERR"
grep -q 'serve returned 0: .*started before fork().*belongs to the parent' "$OUT" ||
    fail "the child's serve() was not refused: $(cat "$OUT")"
mkfifo "$W/go"
exec 8<>"$W/go"
"$P" fork-kill "$K" <"$W/go" >"$W/peer.out" 2>&1 & pp=$!
PIDS+=("$pp")
wait_until 30 "the child was killed mid-load" has_line "$W/peer.out" '^killed'
grep -q "the parent's Segment: .*opened before fork()" "$W/peer.out" || fail "the child was not refused: $(cat "$W/peer.out")"
t=$(now_ms)
run shm-load -t 5 "$W/small"
el=$(ms "$t")
[ "$RC" = 0 ] || fail "the next load: rc=$RC after ${el}ms $ERR"
[ "$el" -lt 3000 ] || fail "the next load took ${el}ms"
echo done >&8
wait_rc "$pp"
exec 8>&-
[ "$RC" = 0 ] || fail "the parent: rc=$RC $(cat "$W/peer.out")"
pass "the child was refused the parent's Segment and Holder; the next load after its kill took ${el}ms"
