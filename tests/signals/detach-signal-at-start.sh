#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SIGINT, SIGTERM or SIGHUP as soon as `shm-create -d` handles signals (its
# handlers are installed first thing in main, before parsing) ends it with 130 and a message,
# its half-started holder stopped and nothing left; or, if the holder was already handed over
# and reported, with 0 and a live holder. Never killed by the signal (129, 143), never silent.
# (A signal before main, while the kernel and the dynamic loader start the program, ends it by
# the signal's default action like any program's; nothing exists yet then.)
. "$(dirname "$0")/../support/common.sh"
n=0
ready_or_gone() { gone "$1" || catches_signals "$1" 1 2 15; }
for sig in INT TERM HUP INT TERM HUP; do
  k=$K-$n; n=$((n + 1))
  shm-create -d -q -s 64K -k "$k" >"$W/o" 2>"$W/e" & p=$!
  wait_until 30 "PID $p handles signals or has ended" ready_or_gone "$p"
  kill -"$sig" "$p" 2>/dev/null || true
  wait_rc "$p"
  out=$(cat "$W/o")
  [ -n "$out" ] && PIDS+=("$out")
  case $RC in
  130)
    [ -s "$W/e" ] || fail "SIG$sig: exit 130 without a message"
    grep -q "^shm-create: $k: interrupted" "$W/e" || fail "SIG$sig: message: $(cat "$W/e")"
    [ -z "$(shm-read --list -q | awk -v k="$k" '$NF==k')" ] || fail "SIG$sig: segment left: $(shm-read --list)"
    [ -z "$(find "$TMPDIR" -name 'qipc_*')" ] || fail "SIG$sig: key files left: $(ls -a "$TMPDIR")"
    ;;
  0) [ -n "$out" ] && ! gone "$out" || fail "SIG$sig: exit 0 but no holder ('$out')"
     shm-create -q --remove -k "$k" || fail "remove $k" ;;
  *) fail "SIG$sig: exit $RC: $(cat "$W/e")" ;;
  esac
done
pass "every signal at start ended -d with 130 and a message, or after a complete start"
