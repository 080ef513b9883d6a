#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --watch 2>&1 | head -1` -- a holder whose
# stderr reader goes away after the ready line -- died of SIGPIPE at the next version line, with
# no word, leaving an orphan (segment, semaphore, key files, anchors). Its reports are status, not
# data: the holder holds on without them, serves every load, and still removes everything when
# told to stop.
. "$(dirname "$0")/../support/common.sh"
mkfifo "$W/reports"
shm-create -s 64K --watch 2>"$W/reports" & holder=$!
PIDS+=("$holder")
exec 3<"$W/reports"
read -r ready <&3 || fail "no ready line"
[[ $ready == *"ready"* ]] || fail "the first line is not the ready line: $ready"
exec 3<&- # the reader goes away, as head -1 does
for i in 1 2 3; do
  echo "version $i" | shm-load -q - || fail "load $i after the reader of stderr went away"
done
[ "$(shm-read)" = "version 3" ] || fail "the holder does not serve the last version"
kill -0 "$holder" 2>/dev/null || fail "the holder died after its stderr reader went away"
kill -TERM "$holder"
wait_rc "$holder"
[ "$RC" = 0 ] || fail "stopped by SIGTERM: rc=$RC (141: SIGPIPE)"
run shm-read -t 0
[ "$RC" = 3 ] || fail "the segment is still there after the stop (rc=$RC)"
left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
[ -z "$left" ] || fail "left in TMPDIR: $left"
pass "the holder outlived its stderr reader, served 3 loads and removed everything at SIGTERM"
