#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The protocol's part of PID reuse: the PID of a dead loader and of a dead holder, given to
# another process, is not taken for the original. The reuse is forced with ns_last_pid inside a
# PID namespace of this test's own (nothing machine-wide changes). Records name participants
# by token, so a PID decides nothing: the next load does not wait for "another load (PID N)",
# and the orphan is reported and adopted although a process with the holder's PID runs.
# (Before, PID plus start time decided, which a reuse within one clock tick defeats: that window
# cannot be hit on purpose, so this case guards the property rather than replaying the race.)
. "$(dirname "$0")/../support/common.sh"
command -v unshare >/dev/null || skip "no unshare"
unshare --pid --fork --kill-child --mount-proc true 2>/dev/null || skip "cannot make a PID namespace here (needs root)"
cat >"$W/inside.sh" <<'INSIDE'
set -euo pipefail
W=$1
until_true() { # SECONDS COMMAND...: poll every 20 ms
  local end=$((SECONDS + $1)); shift
  until "$@"; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.02; done
}
reuse() { # PID: the next process of this namespace gets PID
  echo $(($1 - 1)) >/proc/sys/kernel/ns_last_pid
  sleep 300 &
  [ "$!" = "$1" ] || { echo "SKIP: PID $1 could not be reused (got $!)"; exit 77; }
}
gone() { ! [ -e "/proc/$1/stat" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
hp=$(shm-create -d -q -s 64K)
shm-load -q "$W/small"
mkfifo "$W/in"
exec 9<>"$W/in"
shm-load -q "$W/in" & lp=$!
until_true 30 grep -q pipe_read "/proc/$lp/wchan" || { echo "FAIL: the loader never read"; exit 1; }
kill -KILL "$lp"; wait "$lp" || true
reuse "$lp"
start=$(date +%s%N)
if ! shm-load -q -t 5 "$W/small" 2>"$W/load.err"; then echo "FAIL: load after the reuse of PID $lp: $(cat "$W/load.err")"; exit 1; fi
took=$((($(date +%s%N) - start) / 1000000))
[ "$took" -lt 3000 ] || { echo "FAIL: the load after the reuse of PID $lp took ${took} ms"; exit 1; }
kill -KILL "$hp"
# Reaped by this shell, the namespace's init, so that its PID is free again.
until_true 10 test ! -e "/proc/$hp" || { echo "FAIL: the holder did not end"; exit 1; }
reuse "$hp"
rc=0; shm-read >/dev/null 2>"$W/read.err" || rc=$?
[ "$rc" = 3 ] || { echo "FAIL: shm-read with the holder's PID reused: rc=$rc $(cat "$W/read.err")"; exit 1; }
rc=0; new=$(shm-create -d -q -s 64K 2>"$W/create.err") || rc=$?
[ "$rc" = 0 ] || { echo "FAIL: adoption with the holder's PID reused: rc=$rc $(cat "$W/create.err")"; exit 1; }
cmp -s <(shm-read) "$W/small" || { echo "FAIL: the adopted version is not the last one"; exit 1; }
kill "$new"
until_true 10 gone "$new" || true
echo "ok: load after ${took} ms"
INSIDE
rc=0
unshare --pid --fork --kill-child --mount-proc bash "$W/inside.sh" "$W" >"$W/inside.out" 2>&1 || rc=$?
[ "$rc" = 77 ] && skip "$(cat "$W/inside.out")"
[ "$rc" = 0 ] || fail "rc=$rc: $(cat "$W/inside.out")"
pass "$(tail -1 "$W/inside.out"); reused PIDs of a dead loader and holder were not taken for them"
