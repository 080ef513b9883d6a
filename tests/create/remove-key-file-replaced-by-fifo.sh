#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A FIFO put where a running holder's semaphore key file was: shm-create --remove stops the
# holder, but the FIFO is not a key file and stays. The report names it as what remains, says
# what was removed (segment, semaphore, the other key file) and exits nonzero.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shm_key=$(ftok_key "$(ls "$TMPDIR"/qipc_sharedmemory_*)")
sem_file=$(ls "$TMPDIR"/qipc_systemsem_*)
sem_key=$(ftok_key "$sem_file")
shmid=$(ipc_id m "$shm_key") semid=$(ipc_id s "$sem_key")
{ [ -n "$shmid" ] && [ -n "$semid" ]; } || fail "no segment or semaphore under the holder's keys"
# Stopped meanwhile: a running holder restores a missing key file within a second.
kill -STOP "$HP"; wait_until 10 "the holder is stopped" stopped "$HP"
rm "$sem_file"
mkfifo "$sem_file"
kill -CONT "$HP"
run shm-create --remove -t 30
wait_gone "$HP"
[ "$RC" = 1 ] || fail "rc=$RC (expected 1): $ERR"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
[[ $ERR == "shm-create: $K: "*"removed segment"* ]] || fail "does not say what was removed: $ERR"
[[ $ERR == *"$sem_file"*FIFO* ]] || fail "does not name the FIFO that remains: $ERR"
left=$(find "$TMPDIR" -name '*qipc_*' ! -path "$sem_file" -printf '%f ')
[ -z "$left" ] || fail "left besides the FIFO: $left"
# The holder's own objects, by id and key: the key alone may be another case's by now (a key file
# on the inode that rm freed has the same ftok key).
! ipc_exists m "$shmid" "$shm_key" || fail "segment $shmid left"
! ipc_exists s "$semid" "$sem_key" || fail "semaphore $semid left"
rm "$sem_file"
pass "rc=1: $ERR"
