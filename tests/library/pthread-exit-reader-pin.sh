#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A program whose main thread has called pthread_exit() while a worker is
# inside read(consume) is alive (its /proc/PID/stat says Z, the thread group runs on). Its pin
# is respected: a load that needs the pinned slot waits and times out, and the reader's bytes
# stay intact. (Before: the process was taken for dead and its slot overwritten under it.)
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
start_holder -s 1M || fail "holder"
head -c 1000000 /dev/urandom >"$W/first"
shm-load -q "$W/first"
mkfifo "$W/go"
exec 8<>"$W/go"
"$P" pthread-exit "$K" <"$W/go" >"$W/peer.out" 2>&1 & pp=$!
PIDS+=("$pp")
wait_until 30 "the worker pinned generation 1" has_line "$W/peer.out" '^pinned 1$'
main_thread_exited() { grep -q '^State:[[:space:]]*Z' "/proc/$pp/status"; }
wait_until 30 "the main thread has exited" main_thread_exited
shm-load -q "$W/small" # generation 2 goes to the free slot
run shm-load -t 1 "$W/small" # generation 3 needs the pinned slot
[ "$RC" = 7 ] || fail "the load into the pinned slot: rc=$RC (want 7, timed out) $ERR"
[[ $ERR == *"a reader (PID $pp)"* ]] || fail "the timeout does not name the reader: $ERR"
echo done >&8
wait_rc "$pp"
exec 8>&-
[ "$RC" = 0 ] || fail "reader rc=$RC: $(cat "$W/peer.out")"
has_line "$W/peer.out" '^intact$' || fail "$(cat "$W/peer.out")"
run shm-read
[ "$RC" = 0 ] || fail "a later shm-read: rc=$RC $ERR"
pass "the pin of a process whose main thread exited held; its bytes stayed intact"
