#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# man shm-create, --json: the first --watch --json event that cannot be
# written stops the holder at once, as shm-read --follow stops: it removes its segment, semaphore
# and key files, says so in one line naming the cause, and exits 1. Into /dev/full and a closed
# stdout that is the "ready" event; a consumer that goes away mid-watch is an EPIPE at the next
# event, never a SIGPIPE that would kill the holder and leave its segment behind. Before, the
# holder ignored every failed event and ran on (or died of SIGPIPE, leaving an orphan).
. "$(dirname "$0")/../support/common.sh"

# nothing_left WHAT: no segment under the key, no key file or anchor in TMPDIR.
nothing_left() {
  local left
  run shm-read -t 0
  [ "$RC" = 3 ] || fail "$1: the segment is still there (shm-read: rc=$RC $ERR)"
  left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
  [ -z "$left" ] || fail "$1: left in TMPDIR: $left"
}
# one_line_naming FILE WHAT TEXT...: FILE is one line and holds every TEXT.
one_line_naming() {
  local file=$1 what=$2 text
  shift 2
  [ "$(wc -l <"$file")" = 1 ] || fail "$what: not one line on stderr: $(cat "$file")"
  for text in "$@"; do grep -qF -- "$text" "$file" || fail "$what: '$text' not said: $(cat "$file")"; done
}

RC=0; timeout 30 shm-create -q -s 64K --watch --json >/dev/full 2>"$W/full.err" || RC=$?
[ "$RC" = 1 ] || fail "into /dev/full: rc=$RC (124: it held on), stderr: $(cat "$W/full.err")"
one_line_naming "$W/full.err" "/dev/full" "$K: writing the --watch --json events to standard output failed" \
  "No space left on device" "removed its segment"
nothing_left "/dev/full"

RC=0; timeout 30 shm-create -q -s 64K --watch --json >&- 2>"$W/closed.err" || RC=$?
[ "$RC" = 1 ] || fail "into a closed stdout: rc=$RC, stderr: $(cat "$W/closed.err")"
one_line_naming "$W/closed.err" "closed stdout" "standard output is closed"
nothing_left "closed stdout"

# A consumer that reads the "ready" event, then goes away.
mkfifo "$W/events"
timeout 60 shm-create -q -s 64K --watch --json >"$W/events" 2>"$W/pipe.err" & p=$!
PIDS+=("$p")
exec 3<"$W/events"
read -r ready <&3 || fail "no ready event: $(cat "$W/pipe.err")"
[[ $ready == *'"event":"ready"'* ]] || fail "the first event is not 'ready': $ready"
exec 3<&-
echo v | shm-load -q - || fail "the load after the consumer went away: the holder should still take it"
wait_rc "$p"
[ "$RC" = 1 ] || fail "after its consumer went away: rc=$RC (141: killed by SIGPIPE), stderr: $(cat "$W/pipe.err")"
one_line_naming "$W/pipe.err" "consumer gone" "Broken pipe" "the reader of the pipe went away" "removed its segment"
nothing_left "consumer gone"
pass "stopped at the first event not written: $(cat "$W/pipe.err")"
