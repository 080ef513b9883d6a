#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# With no task to spare (a pids cgroup at its limit, as in a container or a
# systemd unit at TasksMax=) no tool dies of an uncaught std::system_error (SIGABRT, exit 134):
# `shm-read --wait` waits and prints, a 20 MB `shm-load` loads without its page-populating
# helper, `shm-read --follow --exec` fails with one line naming pids.max and the remedy (exit 1),
# and nothing is left behind. Real cgroups: v1's pids hierarchy or a cgroup v2 with the pids
# controller; skips (77) where no pids controller is writable.
. "$(dirname "$0")/../support/common.sh"
# The sanitizers' runtime needs threads and descriptors of its own: under a task or descriptor
# limit it fails before the tool does, so these limits are checked in the plain build only
# (label plain_only: scripts/test.sh leaves the case out of its ASan+UBSan build; this skip is for
# a hand-run ctest there).
[ "${SHM_SANITIZED:-0}" != 1 ] || skip "ASan/UBSan build: the sanitizer runtime itself needs the threads and descriptors this case takes away"

# A new cgroup under a writable pids controller: v1 (a "cgroup" mount with the pids option) or
# v2 (a cgroup2 mount whose root offers pids to its children).
make_pids_cgroup() {
  local mount type options dir
  while read -r _ mount type options _; do
    dir=""
    if [ "$type" = cgroup ] && [[ ,$options, == *,pids,* ]]; then
      dir=$mount
    elif [ "$type" = cgroup2 ] && grep -qw pids "$mount/cgroup.subtree_control" 2>/dev/null; then
      dir=$mount
    fi
    [ -n "$dir" ] || continue
    CG="$dir/shm-$SHM_ADVERSARIAL_RUN"
    if mkdir "$CG" 2>/dev/null; then
      [ -e "$CG/pids.max" ] && return 0
      rmdir "$CG"
    fi
  done < <(awk '{print $1, $5, $(NF-2), $NF, "x"}' /proc/self/mountinfo)
  return 1
}
CG=""
make_pids_cgroup || skip "no writable pids cgroup controller here (needs root and cgroup v1 pids or v2 with pids enabled)"
# Whatever way the test ends: its processes out of the cgroup, then the cgroup away.
CLEANUPS+=("for q in \$(cat '$CG/cgroup.procs' 2>/dev/null); do kill -KILL \$q 2>/dev/null; done; poll_until 5 rmdir '$CG'")
echo 1 >"$CG/pids.max" || fail "cannot set $CG/pids.max"

# limited COMMAND...: runs COMMAND inside the cgroup, where it is the one task allowed: no thread,
# no child process. (Moving a process in is not limited by pids.max; creating one is.)
LIMITED=(bash -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG")
limited() { "${LIMITED[@]}" "$@"; }
# waiting_or_gone PID: PID sleeps on the futex word (a wait), or has already ended.
waiting_or_gone() { gone "$1" || sleeping_in "$1" futex; }
no_abort() { # NAME: the last run neither aborted nor printed an uncaught exception
  [ "$RC" != 134 ] || fail "$1 aborted (exit 134): $ERR"
  [[ $ERR != *terminate* && $ERR != *system_error* ]] || fail "$1: uncaught exception: $ERR"
}

start_holder -s 32M || fail "holder"
# The limit bites: not even one more process can start in the cgroup.
r=0; limited sh -c '/bin/true; true' 2>/dev/null || r=$?
[ "$r" != 0 ] || skip "pids.max 1 did not stop a fork in $CG (controller not enforcing here)"

# 1. A wait: started limited, a version loaded from outside, printed by the waiter.
"${LIMITED[@]}" shm-read --wait -t 60 >"$W/waited" 2>"$W/wait.err" & wp=$! # $! is then the tool itself (bash -c execs it), not a subshell
PIDS+=("$wp")
wait_until 30 "the limited waiter waits or has ended" waiting_or_gone "$wp"
echo awaited | shm-load -q - || fail "load for the waiter"
wait_rc "$wp"; ERR=$(cat "$W/wait.err")
no_abort "shm-read --wait"
{ [ "$RC" = 0 ] && [ "$(cat "$W/waited")" = awaited ]; } ||
  { [ "$RC" = 1 ] && [[ $ERR == *pids.max* ]] && [ "$(wc -l <"$W/wait.err")" = 1 ]; } ||
  fail "shm-read --wait: rc=$RC out=$(cat "$W/waited") err=$ERR"
wait_note="rc=$RC"

# 2. A 20 MB load: big enough for the page populator's thread, which it must do without.
head -c 20000000 /dev/urandom >"$W/big"
run "${LIMITED[@]}" shm-load "$W/big"
no_abort "shm-load of 20 MB"
[ "$RC" = 0 ] || fail "shm-load of 20 MB in the limited cgroup: rc=$RC err=$ERR"
shm-read >"$W/back" || fail "read back"
cmp -s "$W/big" "$W/back" || fail "the 20 MB loaded under the limit differ from the input"

# 3. --follow --exec: the command is a process the cgroup cannot have: one line naming the
# limit, exit 1, not an abort.
"${LIMITED[@]}" shm-read --follow --exec 'cat >/dev/null' -t 60 >/dev/null 2>"$W/follow.err" & fp=$!
PIDS+=("$fp")
wait_until 30 "the limited follower waits or has ended" waiting_or_gone "$fp"
echo next | shm-load -q - || fail "load for the follower"
wait_rc "$fp"; ERR=$(cat "$W/follow.err")
no_abort "shm-read --follow --exec"
[ "$RC" = 1 ] || fail "--follow --exec under the limit: rc=$RC (expected 1) err=$ERR"
[ "$(wc -l <"$W/follow.err")" = 1 ] || fail "--follow --exec: not one line: $ERR"
[[ $ERR == "shm-read: "*pids.max*";"* ]] || fail "--follow --exec: the line does not name pids.max and a remedy: $ERR"

# Nothing of the holder's is lost or left: it still serves, and stops cleanly.
[ "$(shm-read)" = next ] || fail "the holder lost the last version"
kill "$HP"; wait_gone "$HP"
[ -z "$(find "$TMPDIR" -name 'qipc_*')" ] || fail "key files left: $(ls "$TMPDIR")"
pass "wait $wait_note, 20 MB load ok, --exec: $ERR"
