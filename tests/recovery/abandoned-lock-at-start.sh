#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A lock left taken without SEM_UNDO by a process that exited, where no holder runs to give it
# back (the holder was SIGKILLed after it; or a leftover semaphore whose key a new key file
# reuses): the next shm-create and the tools waiting on the lock give it back themselves once
# they have seen its taker dead for a second, instead of timing out on it every time.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo kept | shm-load -q - || fail "first load"
semid=$(jget semid)
kill -KILL "$HP"; wait_gone "$HP"
"$H" take "$semid" >"$W/t" || fail "the careless taker could not take the lock: $(cat "$W/t")"
has_line "$W/t" taken || fail "the careless taker did not say taken"
t=$(now_ms); start_holder -t 10 || fail "shm-create did not start on a lock left taken by a dead process"
el=$(ms "$t")
[ "$(shm-read -t 3)" = kept ] || fail "the adopted segment lost its content"
# With the holder stopped, a tool's own wait gives back a lock the taker left.
kill -STOP "$HP"
"$H" take "$semid" >"$W/t2" && has_line "$W/t2" taken || fail "second careless taker: $(cat "$W/t2")"
run shm-read -t 10
kill -CONT "$HP"
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = kept ] || fail "shm-read with the holder stopped: rc=$RC $ERR"
pass "shm-create started in ${el}ms on a lock left taken by a dead process; a waiting reader gave it back too"
