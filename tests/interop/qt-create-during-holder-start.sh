#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Qt program calls create() on the key in a loop (each a new process, as
# a Qt application started again and again) while holders are started and removed. A failed Qt
# create() removes the semaphore and its key file; when that happened between the holder making
# (or finding) the key file and linking its anchor, the holder said ready with "key files
# removed from TMPDIR cannot be restored (cannot link ... as ...anchor)" and its tools exited 3
# for good, or shm-create itself exited 3 telling the user to start a holder. Now the holder
# anchors the key files before making anything under their keys, and a key file lost before
# that is a race it wins (it starts again). Every start here either works (--remove then leaves
# nothing of the holder's) or is refused because a Qt segment won the race (exit 4 or 8); never
# exit 3, never a ready line without restorable key files. Loads and reads while the loop runs
# may time out (each failed Qt create() removes the key file the holder restores every second:
# guarantee 14 is about one create(), not a storm); as in the case they are only counted. Once
# the loop stops, a holder started during it serves within -t 3.
. "$(dirname "$0")/../support/common.sh"
runs=${SHM_QT_RACE_RUNS:-25}
( while :; do "$Q" try-create "$K" 4096 >/dev/null 2>&1 || true; done ) & storm=$!
PIDS+=("$storm")
# The loop stops between two create()s, and the one under way ends on its own: a Qt program
# killed inside create() leaves its semaphore behind (Qt's debris, not the holder's), which the
# cleanup, also after a failure, must not cause.
stop_storm() {
  kill -TERM "$storm" 2>/dev/null; wait "$storm" 2>/dev/null || true
  # Not wait_until: its fail() inside the cleanup would cut the cleanup short.
  poll_until 10 eval '! pgrep -f "qt_peer try-create $K" >/dev/null' || true
}
CLEANUPS+=(stop_storm)
ok=0 lost=0 served=0
for i in $(seq "$runs"); do
  RC=0; hp=$(timeout 60 shm-create -d -s 64K -t 3 2>"$W/e") || RC=$?
  case $RC in
  0)
    PIDS+=("$hp")
    ! has_line "$W/e" 'cannot be restored' || fail "run $i: ready without restorable key files: $(cat "$W/e")"
    if echo "d$i" | shm-load -q -t 1 - 2>/dev/null && [ "$(shm-read -t 1 2>/dev/null)" = "d$i" ]; then
      served=$((served + 1))
    fi
    shm-create -q --remove -t 3 2>"$W/x" || fail "run $i: --remove: $(cat "$W/x")"
    wait_gone "$hp"
    left=$(ls -A "$W" | grep anchor || true)
    [ -z "$left" ] || fail "run $i: anchors left after --remove: $left"
    ok=$((ok + 1)) ;;
  4 | 8) lost=$((lost + 1)) ;; # a Qt segment won the race: refused in one line
  *) fail "run $i: shm-create exit $RC: $(cat "$W/e")" ;;
  esac
done
[ "$ok" -gt 0 ] || fail "no start of $runs won against the Qt loop"
# The last: started while the loop runs, served once it stops.
for i in $(seq 20); do
  RC=0; HP=$(timeout 60 shm-create -d -s 64K -t 3 2>"$W/e") || RC=$?
  [ "$RC" = 0 ] && break
  case $RC in 4 | 8) ;; *) fail "last start: shm-create exit $RC: $(cat "$W/e")" ;; esac
done
[ "$RC" = 0 ] || fail "the last start lost 20 times to the Qt loop: $(cat "$W/e")"
PIDS+=("$HP")
! has_line "$W/e" 'cannot be restored' || fail "last start: ready without restorable key files: $(cat "$W/e")"
stop_storm
echo last | shm-load -q -t 3 - 2>"$W/le" || fail "load after the Qt loop stopped: $(cat "$W/le")"
[ "$(shm-read -t 3 2>"$W/re")" = last ] || fail "read after the Qt loop stopped: $(cat "$W/re")"
shm-create -q --remove -t 3 2>"$W/x" || fail "last --remove: $(cat "$W/x")"
wait_gone "$HP"
left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
[ -z "$left" ] || fail "left behind: $left"
pass "$ok of $runs starts ready with restorable key files while a Qt program called create() in a loop ($served served during it, $lost refused: a Qt segment won); served once it stopped"
