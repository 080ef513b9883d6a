#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Break pass 5, issue 15: a raw holder (shm-create --raw) and a normal one start on one key at
# the same instant, each in an IPC namespace of its own, on one TMPDIR (two containers sharing
# /tmp). Both find no segment and no holder's mark; each makes a segment in its namespace. They
# marked different bytes of the key file (a raw holder's mark is its own), so both ran, on the
# same key files and anchors, and the first to stop removed them under the other. Both kinds take
# one shared claim byte after their mark now: in every round one starts and the other exits 4
# with one line, and the key files and anchors stay the winner's until it stops. Each round's
# two starts are released together from a barrier; before the fix about one round in twenty met
# the race. The unit case "participant: a raw and a normal holder never both mark one key file"
# is the deterministic one.
. "$(dirname "$0")/../support/common.sh"
unshare --ipc true 2>/dev/null || skip "cannot make an IPC namespace here (unshare --ipc needs root)"
files() { find "$W" -maxdepth 1 -name '*qipc*' -printf '%i %f\n' | sort; }

for round in $(seq 1 40); do
  rm -f "$W"/go "$W"/*.ready "$W"/*.rc
  starters=()
  for kind in normal raw; do
    option=""
    [ "$kind" = normal ] || option=--raw
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout 60 unshare --ipc bash -c 'touch "$1/$2.ready"; while [ ! -e "$1/go" ]; do :; done
      shm-create -d -q -s 64K -t 10 $3 >"$1/$2.out" 2>"$1/$2.err"; echo $? >"$1/$2.rc"' _ "$W" "$kind" "$option" &
    starters+=($!)
  done
  wait_until 30 "both starters wait at the barrier" test -e "$W/normal.ready" -a -e "$W/raw.ready"
  touch "$W/go"
  for p in "${starters[@]}"; do wait "$p" || fail "round $round: a starter did not end by itself"; done
  rcs="$(cat "$W/normal.rc") $(cat "$W/raw.rc")"
  case $rcs in
  "0 4") winner=normal loser=raw ;;
  "4 0") winner=raw loser=normal ;;
  *) fail "round $round: normal and raw holder exited $rcs (want one 0, one 4): $(cat "$W/normal.err" "$W/raw.err")" ;;
  esac
  HP=$(cat "$W/$winner.out")
  PIDS+=("$HP")
  [ "$(line_count "$W/$loser.err")" = 1 ] && has_line "$W/$loser.err" "held by a running holder (PID $HP)" ||
    fail "round $round: the $loser holder's refusal does not name the $winner one (PID $HP): $(cat "$W/$loser.err")"
  before=$(files)
  [ "$(grep -c anchor <<<"$before")" = 2 ] || fail "round $round: the $winner holder has not both anchors: $before"
  kill -TERM "$HP"
  wait_gone "$HP"
  [ -z "$(files)" ] || fail "round $round: left behind after the $winner holder stopped: $(files)"
done
pass "a raw and a normal holder racing in two IPC namespaces: one starts, the other exits 4, in every round"
