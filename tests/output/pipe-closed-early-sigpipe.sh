#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README "every write checked": `shm-read | head -c 100` ends shm-read by SIGPIPE, as it ends cat:
# no message, status 141 in the shell, and `set -o pipefail` sees it; where SIGPIPE is ignored it
# is exit 1 with a one-line message. Either way the version is given back at once: readers is 0 as
# soon as shm-read has ended, and the next two loads (the second needs the slot it had pinned)
# succeed without waiting.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 32M || fail "holder"
head -c $((16 * 1024 * 1024)) /dev/urandom >"$W/in"
shm-load -q "$W/in" || fail "load"
head -c 100 "$W/in" >"$W/first100"

# given_back WHAT: readers 0 now, and two loads each find a free slot without waiting.
given_back() {
  local readers
  readers=$(jget readers)
  [ "$readers" = 0 ] || fail "$1: readers=$readers right after shm-read ended"
  run shm-load -q -t 2 "$W/in"
  [ "$RC" = 0 ] || fail "$1: the next load: exit $RC ($ERR)"
  run shm-load -q -t 2 "$W/in"
  [ "$RC" = 0 ] || fail "$1: the second load: exit $RC ($ERR)"
}

# SIGPIPE as the shell leaves it.
set +e
timeout 60 shm-read 2>"$W/e1" | head -c 100 >"$W/h1"
pipeline=$? status=${PIPESTATUS[0]}
set -e
[ "$status" = 141 ] || fail "shm-read | head -c 100: status $status, want 141 (SIGPIPE); stderr: $(cat "$W/e1")"
[ "$pipeline" = 141 ] || fail "set -o pipefail saw status $pipeline, want 141"
[ ! -s "$W/e1" ] || fail "SIGPIPE with a message: $(cat "$W/e1")"
cmp -s "$W/h1" "$W/first100" || fail "head did not get the version's first 100 bytes"
given_back "after SIGPIPE"

# SIGPIPE ignored by whoever started shm-read: it stays ignored, EPIPE is exit 1 with a message.
set +e
bash -c "trap '' PIPE; exec timeout 60 shm-read" 2>"$W/e2" | head -c 100 >/dev/null
status=${PIPESTATUS[0]}
set -e
[ "$status" = 1 ] || fail "with SIGPIPE ignored: status $status, want 1; stderr: $(cat "$W/e2")"
[ "$(line_count "$W/e2")" = 1 ] || fail "with SIGPIPE ignored, not one line of message: $(cat "$W/e2")"
given_back "after EPIPE"
pass "SIGPIPE: 141 silently (pipefail sees it); SIGPIPE ignored: exit 1, '$(cat "$W/e2")'; the version given back at once"
