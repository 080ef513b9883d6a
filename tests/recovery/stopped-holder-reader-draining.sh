#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder that stopped cleanly does not hold the key while a reader still drains its last
# version from the removed segment, even before the holder's parent reaped it: a new holder
# starts (not exit 4 naming the dead PID), reads and loads reach the new segment, --remove stops
# the new holder. Liveness is the holder's lock, not the old segment's attachments.
. "$(dirname "$0")/../support/common.sh"
shm-create -q -s 8M & hp=$!
PIDS+=("$hp")
wait_until 30 "the holder answers" holder_ready
head -c 6000000 /dev/zero | shm-load -q - || fail "first load"
# A reader stuck on a pipe nobody reads stays attached to the segment.
mkfifo "$W/stuck"
exec 3<>"$W/stuck"
shm-read >"$W/stuck" 2>"$W/reader-err" & rp=$!
PIDS+=("$rp")
wait_sleeping_in "$rp" pipe_write pipe_wait
kill -TERM "$hp"
# Not reaped: the holder stays a zombie of this shell while the checks below run.
wait_until 30 "the holder has exited" gone "$hp"
run shm-create -d -q -s 64K
[ "$RC" = 0 ] || fail "a new holder was refused while the stopped one is a zombie and a reader drains: rc=$RC $ERR"
PIDS+=("$(cat "$OUT")")
echo new | shm-load -q - || fail "load into the new segment"
run shm-read
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = new ] || fail "read of the new segment: rc=$RC $ERR"
run shm-create --remove -t 10
[ "$RC" = 0 ] || fail "--remove of the new holder: rc=$RC $ERR"
sleeping_in "$rp" pipe_write pipe_wait || fail "the draining reader did not stay blocked, the case tested nothing"
wait "$hp" || fail "the stopped holder's exit status was $?"
pass "new holder, load, read and --remove while the old holder was a zombie and a reader drained its segment"
