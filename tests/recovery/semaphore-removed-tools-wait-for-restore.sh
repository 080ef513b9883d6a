#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# RemoveIPC gap: a load or read that finds the semaphore removed under a live holder waits,
# bounded by -t, for the holder to make it again instead of failing. The holder is stopped
# (SIGSTOP) so that the gap lasts until this test ends it: a tool with -t 1 exits 3 naming the
# live holder's PID and saying it did not restore the semaphore in time (not "its holder
# stopped"); a load and a read with -t 30 sleep until the holder is continued, then succeed.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo v1 | shm-load -q - || fail "first load"
semid=$(jget semid)
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
ipcrm -s "$semid"
run shm-load -t 1 "$W/small"
[ "$RC" = 3 ] || fail "a load in the gap with -t 1: rc=$RC (want 3) $ERR"
[[ $ERR == *"holder (PID $HP)"* && $ERR == *"did not restore it within 1 s"* ]] ||
  fail "the message does not name the live holder and the wait: $ERR"
[[ $ERR != *"holder stopped"* ]] || fail "the message says the holder stopped while it runs: $ERR"
load_and_read_wait_out_the_repair "in the gap"
pass "in the gap: -t 1 exits 3 naming PID $HP; a load and a read waited for the restore and succeeded"
