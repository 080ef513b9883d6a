#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 7: holder SIGKILLed -> readers/loaders exit 3 with adopt hint; shm-create adopts keeping
# content; nothing left after a clean stop.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo keepme | shm-load -q -
shmid=$(jget shmid); kill -KILL "$HP"; wait_gone "$HP"
run shm-read; { [ "$RC" = 3 ] && echo "$ERR" | grep -q "shm-create -k"; } || fail "read after holder death: rc=$RC $ERR"
run shm-load -q "$W/small"; [ "$RC" = 3 ] || fail "load after holder death rc=$RC $ERR"
start_holder || fail "adopt failed"
[ "$(shm-read)" = keepme ] || fail "content not kept after adopt"
kill "$HP"; wait_gone "$HP"
segment_gone() { ! ipcs -m | awk '{print $2}' | grep -qx "$shmid"; }
poll_until 10 segment_gone || fail "segment $shmid left after stop"
pass "dead holder -> rc 3 with hint; adopt kept content; clean stop"
