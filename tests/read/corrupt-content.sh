#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 1 / not-guaranteed: a same-user scribble on content is visible (exit 8), nothing
# written to stdout.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
head -c 10000 /dev/urandom >"$W/in"; shm-load -q "$W/in"
shmid=$(jget shmid)
# flip a byte in both slots at 4096+5000 and 4096+65536+5000
for o in $((4096 + 5000)) $((4096 + 65536 + 5000)); do
  b=$("$H" peek "$shmid" $o 1); "$H" poke "$shmid" $o $((0x$b ^ 0xff))
done
run shm-read
{ [ "$RC" = 8 ] && [ ! -s "$OUT" ]; } && pass "rc=8, no bytes out: $ERR" || fail "rc=$RC bytes=$(stat -c %s "$OUT") $ERR"
