#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A FIFO put in place of a running holder's segment key file (the holder cannot restore its key
# file over it): shm-create --remove still finds the holder, through the list of segments as
# after ipcrm -m, stops it, and exits 1 naming the FIFO, which remains; it exited 9 ("refusing:
# key file ... a FIFO") and left the holder running. The FIFO is never opened, not even to probe
# the holder's lock: a writer waiting in open() for a reader still waits afterwards.
# (remove-key-file-replaced-by-fifo.sh puts it at the semaphore key file, which --remove never
# looks up by name.)
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shmid=$(jget shmid)
semid=$(jget semid)
shm_file=$(ls "$TMPDIR"/qipc_sharedmemory_*)
rm "$shm_file"
mkfifo "$shm_file"
(exec 3>"$shm_file") & writer=$!
PIDS+=("$writer")
wait_sleeping_in "$writer" fifo partner
run shm-create --remove -t 30
wait_gone "$HP"
[ "$RC" = 1 ] || fail "rc=$RC (want 1): $ERR"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
[[ $ERR == "shm-create: $K: stopped its holder (PID $HP), which removed segment $shmid"*"but $shm_file, a FIFO"*" remains; "* ]] ||
  fail "does not say what was removed and that the FIFO remains: $ERR"
[ -p "$shm_file" ] || fail "the FIFO is gone"
! gone "$writer" || fail "the FIFO was opened: its writer got through"
left=$(find "$TMPDIR" -name '*qipc_*' ! -path "$shm_file" -printf '%f ')
[ -z "$left" ] || fail "left besides the FIFO: $left"
! segment_exists "$shmid" || fail "segment $shmid left"
! semaphore_exists "$semid" || fail "semaphore $semid left"
kill "$writer"
rm "$shm_file"
pass "rc=1: $ERR"
