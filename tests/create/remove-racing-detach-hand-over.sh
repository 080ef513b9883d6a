#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove while `shm-create -d` adopts an orphan and has not yet handed the new
# holder over (its parent is still writing the PID: here to a pipe that is full and whose reader
# is stopped). --remove stops the new holder (exit 0); the -d start then says clearly that its
# holder was stopped before the hand-over and removed the segment: no raw "Broken pipe".
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
kill -KILL "$HP"
wait_gone "$HP"
# stdout of the -d start: a FIFO, full, whose only reader is stopped.
mkfifo "$W/stdout.fifo"
exec 3<>"$W/stdout.fifo"
(kill -STOP "$BASHPID"; exec cat) <&3 >"$W/stdout.log" & READER=$!
PIDS+=("$READER")
wait_until 10 "the stdout reader is stopped" stopped "$READER"
exec 3<&-
head -c 65536 /dev/zero >"$W/stdout.fifo"
shm-create -d -s 64K >"$W/stdout.fifo" 2>"$W/detach.err" & DP=$!
PIDS+=("$DP")
# The new holder has adopted the orphan and waits for the hand-over; its parent is blocked.
child() { HOLDER=$(pgrep -P "$DP") && [ -n "$HOLDER" ] && holder_ready; }
wait_until 30 "the background holder adopted the orphan" child
PIDS+=("$HOLDER")
run shm-create --remove -t 30
[ "$RC" = 0 ] || fail "--remove: rc=$RC $ERR"
[[ $ERR == "shm-create: $K: stopped its holder (PID $HOLDER)"* ]] || fail "--remove message: $ERR"
kill -CONT "$READER"
wait_rc "$DP"
DERR=$(cat "$W/detach.err")
[[ $DERR != *"pipe"* && $DERR != *"Pipe"* ]] || fail "-d: rc=$RC with pipe errno text: $DERR"
[ "$RC" = 130 ] || fail "-d: rc=$RC (expected 130): $DERR"
[[ $DERR == "shm-create: $K: its holder (PID $HOLDER) was stopped"*"before it was handed over"*"removed the segment"* ]] || fail "-d message: $DERR"
gone "$HOLDER" || fail "the holder still runs"
[ -z "$(find "$TMPDIR" -name '*qipc_*')" ] || fail "left: $(ls -A "$TMPDIR")"
pass "--remove stopped the new holder; -d said so: $DERR"
