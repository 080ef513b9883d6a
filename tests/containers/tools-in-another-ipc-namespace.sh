#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Break pass 5, issue 15: a holder runs; shm-read and shm-load run on its key and TMPDIR in an
# IPC namespace of their own (docker without --ipc=host, with -v /tmp:/tmp). They used to say
# "no such segment ...; start one with 'shm-create'", and that shm-create is refused (exit 4).
# Now they find the holder's mark on the key file, as shm-create does, and say in one line that
# the segment is held by that holder (its PID, seen from here) in another IPC namespace this
# process cannot reach, and to run in the holder's IPC namespace; exit 3 (no segment here).
# The same for a raw holder and shm-read --raw / shm-load --raw. In the holder's own namespace
# a stopped holder's key gives the old "start one" advice again.
. "$(dirname "$0")/../support/common.sh"
unshare --ipc true 2>/dev/null || skip "cannot make an IPC namespace here (unshare --ipc needs root)"

# in_other_namespace NAME COMMAND...: runs COMMAND in a new IPC namespace (same TMPDIR, same PID
# namespace), its exit status in $W/NAME.rc and its stderr in $W/NAME.err.
in_other_namespace() {
  local name=$1; shift
  timeout 30 unshare --ipc "$@" </dev/null >"$W/$name.out" 2>"$W/$name.err" && echo 0 >"$W/$name.rc" ||
    echo $? >"$W/$name.rc"
}

# check_refusal NAME TOOL WORDS: the run NAME of TOOL exited 3 with one line naming the holder HP
# and its other IPC namespace, saying what to do, and not suggesting shm-create.
check_refusal() {
  local name=$1 tool=$2 words=$3 err
  err=$(cat "$W/$name.err")
  [ "$(cat "$W/$name.rc")" = 3 ] || fail "$name: rc=$(cat "$W/$name.rc") (want 3) $err"
  [ "$(line_count "$W/$name.err")" = 1 ] || fail "$name: not one line: $err"
  [[ $err == "$tool: $K: its segment is held by a running $words(PID $HP) in another IPC namespace"* ]] ||
    fail "$name: does not name the holder and its namespace: $err"
  [[ $err == *"which this process cannot reach; run $tool in the holder's IPC namespace"*"--ipc=host"* ]] ||
    fail "$name: does not say what to do: $err"
  [[ $err != *"start one"* && $err != *"'shm-create"* ]] || fail "$name: suggests shm-create: $err"
}

start_holder -s 64K || fail "holder"
echo data | shm-load -q - || fail "load into the holder"
in_other_namespace read shm-read -t 1
check_refusal read shm-read "holder "
in_other_namespace load shm-load -q -t 1 "$W/small"
check_refusal load shm-load "holder "
in_other_namespace info shm-read --info -t 1
check_refusal info shm-read "holder "
in_other_namespace create shm-create -s 64K -t 1
[ "$(cat "$W/create.rc")" = 4 ] || fail "shm-create in the other namespace: rc=$(cat "$W/create.rc") $(cat "$W/create.err")"
[ "$(shm-read)" = data ] || fail "the holder's data after the attempts: $(shm-read 2>&1)"
shm-create -q --remove || fail "--remove of the holder"
wait_gone "$HP"

# A raw holder: the same through --raw, naming it as raw.
start_holder --raw -s 4K || fail "raw holder"
in_other_namespace rawread shm-read --raw -t 1
check_refusal rawread shm-read "raw holder "
in_other_namespace rawload shm-load --raw -q -t 1 "$W/small"
check_refusal rawload shm-load "raw holder "
shm-create -q --remove || fail "--remove of the raw holder"
wait_gone "$HP"

# Nobody holds the key any more: the other namespace is told to start a holder, as anywhere.
in_other_namespace after shm-read -t 1
[ "$(cat "$W/after.rc")" = 3 ] && has_line "$W/after.err" "start one with" ||
  fail "with no holder left: rc=$(cat "$W/after.rc") $(cat "$W/after.err")"
pass "read and load in another IPC namespace name the holder there and say to join it (exit 3, one line)"
