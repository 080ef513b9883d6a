#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# From the first line: a holder started with a stderr that is already full (a
# shared pipe nobody reads) still serves and repairs, and answers SIGTERM within a second (bound
# 1.5 s: a loaded machine) with exit 0 and nothing left; its ready line waits in the backlog.
. "$(dirname "$0")/../support/common.sh"
stderr_pipe_nobody_reads full

shm-create -s 64K 2>"$W/stderr.fifo" & hp=$!
PIDS+=("$hp")
wait_until 30 "the holder serves" holder_ready
wait_catching "$hp" 2 15
echo v | shm-load -q - || fail "load"
semid=$(jget semid)
ipcrm -s "$semid" || fail "ipcrm -s $semid"
reads_v() { run shm-read; [ "$RC" = 0 ] && [ "$(cat "$OUT")" = v ]; }
poll_until 10 reads_v || fail "semaphore not restored with stderr full: rc=$RC $ERR"
t=$(now_ms)
kill -TERM "$hp"
wait_until 10 "the holder has ended" gone "$hp"
el=$(ms "$t")
wait_rc "$hp"
[ "$RC" = 0 ] || fail "holder exit $RC after SIGTERM with stderr full"
[ "$el" -le 1500 ] || fail "SIGTERM answered after ${el}ms"
[ -z "$(find "$TMPDIR" -name 'qipc_*')" ] || fail "key files left: $(ls "$TMPDIR")"
pass "served and repaired with stderr full from the start; SIGTERM answered in ${el}ms, exit 0"
