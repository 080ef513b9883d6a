#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README guarantees, on huge pages (shmem_enabled=advise): a loader SIGKILLed mid-stream leaves the
# previous version readable byte for byte and the next load goes ahead at once; a reader SIGKILLed
# while blocked writing into a full pipe (its version pinned) does not hold up the next loads
# beyond its death, and readers goes back to 0. Switches shmem_enabled (restored by the cleanup),
# so ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/../support/common.sh"
require_thp_switch
thp_set advise
start_holder -s 32M || fail "holder"
head -c $((4 * 1024 * 1024 + 1)) /dev/urandom >"$W/prev"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$W/big"
shm-load -q "$W/prev" || fail "first load"

# A loader killed mid-stream: fed from a FIFO this test holds open.
mkfifo "$W/fifo"
shm-load -q - <"$W/fifo" &
lp=$!
PIDS+=("$lp")
exec 7>"$W/fifo"
head -c $((3 * 1024 * 1024)) "$W/big" >&7
wait_until 30 "the loader has read 3 MiB" read_at_least "$lp" $((3 * 1024 * 1024))
wait_sleeping_in "$lp" pipe_read pipe_wait
kill -KILL "$lp"
wait_rc "$lp"
exec 7>&-
[ "$RC" = 137 ] || fail "the loader was not ended by SIGKILL (status $RC)"
shm-read | cmp -s - "$W/prev" || fail "after a loader was killed mid-stream the previous version is not intact"
run shm-load -q -t 5 "$W/big"
[ "$RC" = 0 ] || fail "the load after the killed loader: exit $RC ($ERR)"
shm-read | cmp -s - "$W/big" || fail "the load after the killed loader does not read back"

# A reader killed while blocked on a full pipe, its version pinned.
mkfifo "$W/fifo2"
shm-read >"$W/fifo2" &
rp=$!
PIDS+=("$rp")
exec 8<"$W/fifo2"
head -c 1000 <&8 >/dev/null
wait_sleeping_in "$rp" pipe_write pipe_wait
[ "$(jget readers)" -ge 1 ] || fail "--json readers does not count the blocked reader"
run shm-load -q -t 5 "$W/prev"
[ "$RC" = 0 ] || fail "a load while a reader is blocked: exit $RC ($ERR)"
kill -KILL "$rp"
wait_rc "$rp"
exec 8<&-
start=$(now_ms)
run shm-load -q -t 5 "$W/big"
[ "$RC" = 0 ] || fail "the load into the slot the killed reader had pinned: exit $RC ($ERR)"
took=$(ms "$start")
shm-read | cmp -s - "$W/big" || fail "the final version does not read back"
[ "$(jget readers)" = 0 ] || fail "readers=$(jget readers) after every reader ended"
pass "killed loader: previous kept, next load at once; killed reader: next loads succeed ($took ms), readers 0; huge_pages $(jget huge_pages)"
