#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder never blocks on its own reports. `shm-create --watch 2>FIFO` whose
# reader has stopped reading, hundreds of version lines: the holder still restores a removed
# semaphore, serves loads, answers SIGTERM within a second (bound 1.5 s: a loaded machine) and
# exits cleanly (exit 0, nothing left). When the reader reads again, one line says how many
# reports were dropped.
. "$(dirname "$0")/../support/common.sh"
# The stderr reader: starts stopped, reads only when continued.
stderr_pipe_nobody_reads
reader=$STDERR_READER

shm-create --watch -s 64K 2>"$W/stderr.fifo" & hp=$!
PIDS+=("$hp")
wait_until 30 "the holder is ready" holder_ready
wait_catching "$hp" 2 15

# A long source name: each version line is about 320 bytes (the name shortened), so 300 loads
# fill the 64 KiB pipe and more than the holder keeps for later (16 KiB).
source_name="/$(printf 'x%.0s' $(seq 1000))"
load_many() {
  local i
  for i in $(seq "$1"); do echo "v$i" | shm-load -q --source "$source_name" - || fail "load $i failed"; done
}
load_many 300

# Still repairing: a removed semaphore comes back while nobody reads stderr.
semid=$(jget semid)
ipcrm -s "$semid" || fail "ipcrm -s $semid"
reads_latest() { run shm-read; [ "$RC" = 0 ] && [ "$(cat "$OUT")" = v300 ]; }
poll_until 10 reads_latest || fail "semaphore not restored while stderr is not read: rc=$RC $ERR"
load_many 20

# The reader reads again: the backlog and one line counting what was dropped arrive.
kill -CONT "$reader"
# Reports go out with the next report: load until a version line after the count has arrived.
told() {
  echo after | shm-load -q --source after - || fail "load after the reader resumed"
  has_line "$W/stderr.log" "reports were dropped while stderr was not being read" &&
    has_line "$W/stderr.log" " from after by PID"
}
wait_until 20 "the drop count and a later version reached stderr" told
[ "$(grep -c 'dropped while stderr' "$W/stderr.log")" = 1 ] || fail "the drop count was said more than once"

# Blocked again, then SIGTERM: answered within the bound, exit 0, everything removed.
kill -STOP "$reader"
wait_until 10 "the reader is stopped again" stopped "$reader"
load_many 300
t=$(now_ms)
kill -TERM "$hp"
wait_until 10 "the holder has ended" gone "$hp"
el=$(ms "$t")
wait_rc "$hp"
[ "$RC" = 0 ] || fail "holder exit $RC after SIGTERM with stderr not read"
[ "$el" -le 1500 ] || fail "SIGTERM answered after ${el}ms"
[ -z "$(find "$TMPDIR" -name 'qipc_*')" ] || fail "key files left: $(ls "$TMPDIR")"
run shm-read
[ "$RC" = 3 ] || fail "a segment still answers after the holder stopped: rc=$RC"
dropped=$(grep -o '[0-9]* reports were dropped' "$W/stderr.log")
pass "semaphore restored, SIGTERM answered in ${el}ms, exit 0; $dropped"
