#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 11/12: scribbled header -> exit 8 with one line; a holder with --watch does not crash.
. "$(dirname "$0")/../support/common.sh"
shm-create -s 64K --watch 2>"$W/watch" & HP=$!; PIDS+=("$HP")
wait_until 30 "the --watch holder is ready" holder_ready
echo v | shm-load -q -
shmid=$(jget shmid)
"$H" poke "$shmid" 0 0x58 # magic first byte
run shm-read; r=$RC; e=$ERR
run shm-load -q "$W/small"; r2=$RC
gone "$HP" && fail "holder died after header scribble"
for off in 8 16 24 32 40 64 100 200; do "$H" poke "$shmid" $off 0xff; done
echo z | shm-load -q - 2>/dev/null || true
# What is tested is that the holder lives on with a scribbled header: its checks run about once
# a second (README: a removed semaphore is restored within about a second), so it must live
# through at least one.
sleep 1.5
gone "$HP" && fail "holder died after more scribble"
{ [ "$r" = 8 ] && [ "$r2" = 8 ] && [ "$(echo "$e" | wc -l)" = 1 ]; } && pass "read/load rc=8: $e" || fail "read rc=$r load rc=$r2 : $e"
