#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A reader killed while `shm-read -o FILE` writes leaves no temporary file
# (".FILE.XXXXXX") behind: the temporary file has no name until commit (O_TMPFILE). The kill is
# aimed, not timed: it is sent once /proc shows the reader holding its unnamed file in FILE's
# directory ("DIR/#INODE (deleted)"), i.e. in the middle of writing. FILE stays as it was. A
# write that fails (the file size limit, ulimit -f, which the tools answer with EFBIG rather than
# dying of SIGXFSZ) leaves nothing either.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64M || fail "holder"
head -c 64M /dev/urandom | shm-load -q - || fail "load"
mkdir "$W/dir"
echo old >"$W/dir/copy"

# writing_unnamed PID: the reader holds an unnamed file in $W/dir open.
writing_unnamed() { ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "$W/dir/#"; }
killed=0
for attempt in $(seq 1 30); do
  shm-read -o "$W/dir/copy" 2>/dev/null & reader=$!
  while kill -0 "$reader" 2>/dev/null; do
    if writing_unnamed "$reader"; then kill -KILL "$reader"; killed=1; break; fi
  done
  wait "$reader" || true
  [ "$killed" = 0 ] || break
  echo old >"$W/dir/copy" # that read finished first and replaced FILE: again
done
[ "$killed" = 1 ] || fail "in 30 reads of 64 MiB, /proc never showed the reader writing its unnamed file"
[ "$(ls -A "$W/dir")" = copy ] || fail "killed mid-write: left behind: $(ls -A "$W/dir" | tr '\n' ' ')"
[ "$(cat "$W/dir/copy")" = old ] || fail "killed mid-write: FILE changed"

RC=0; bash -c 'ulimit -f 64; exec shm-read -o "$1"' _ "$W/dir/copy" 2>"$W/e" || RC=$?
[ "$RC" = 1 ] || fail "at ulimit -f: rc=$RC (153: death by SIGXFSZ): $(cat "$W/e")"
[ "$(ls -A "$W/dir")" = copy ] || fail "at ulimit -f: left behind: $(ls -A "$W/dir" | tr '\n' ' ')"
[ "$(cat "$W/dir/copy")" = old ] || fail "at ulimit -f: FILE changed"

# And the same read without the limit replaces FILE whole.
shm-read -o "$W/dir/copy" || fail "read -o"
[ "$(ls -A "$W/dir")" = copy ] && [ "$(wc -c <"$W/dir/copy")" = $((64 << 20)) ] || fail "after a good read: $(ls -A "$W/dir")"
pass "killed mid-write (attempt $attempt) or failed at ulimit -f: no temporary file, FILE unchanged; a good read replaced it"
