#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 3 + not-guaranteed list: a reader stuck on a full pipe does not delay the next load;
# the load after waits and exits 7 naming the reader.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4M || fail "holder"
head -c 3000000 /dev/urandom >"$W/in"; shm-load -q "$W/in"
mkfifo "$W/f"; exec 9<>"$W/f" # a pipe nobody drains
shm-read >"$W/f" & rp=$!; PIDS+=("$rp")
wait_sleeping_in "$rp" pipe_write pipe_wait
t=$(now_ms); run shm-load -q -t 1 "$W/small"; el=$(ms "$t"); [ "$RC" = 0 ] || fail "first load after stuck reader rc=$RC $ERR"
run shm-load -q -t 1 /etc/passwd; rc2=$RC; e2=$ERR
kill -KILL "$rp"; exec 9>&-
{ [ "$rc2" = 7 ] && echo "$e2" | grep -q "$rp"; } && pass "1st load ${el}ms ok; 2nd rc=7 naming reader $rp" || fail "2nd load expected 7 naming $rp: rc=$rc2 $e2"
