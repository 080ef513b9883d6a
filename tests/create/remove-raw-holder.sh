#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --remove` removes your own holder started with --raw (it made the
# segment and keeps its key file open: it is ours), exit 0, nothing left; a plain segment a Qt
# program made (which keeps no key file open) is still refused with exit 8 and left running.
. "$(dirname "$0")/../support/common.sh"
start_holder --raw -s 10K || fail "raw holder"
run shm-create --remove
[ "$RC" = 0 ] || fail "--remove of our raw holder: rc=$RC $ERR"
[[ $ERR == "shm-create: $K: stopped its holder (PID $HP)"* ]] || fail "message: $ERR"
wait_gone "$HP"
[ -z "$(ls -A "$TMPDIR" | grep qipc)" ] || fail "left: $(ls -A "$TMPDIR")"

[ -n "$Q" ] || skip "no Qt peer built"
"$Q" create "$K" 4096 hello >"$W/qt.out" 2>"$W/qt.err" & qp=$!
PIDS+=("$qp")
wait_until 30 "the Qt program holds its segment" has_line "$W/qt.out" ready
run shm-create --remove
[ "$RC" = 8 ] && [[ $ERR == *"not a shm-tools segment"* ]] || fail "Qt's segment: rc=$RC $ERR"
gone "$qp" && fail "the Qt program was stopped"
[ "$(shm-read --raw)" = hello ] || fail "Qt's segment was touched"
kill "$qp"; wait_gone "$qp"
pass "our raw holder removed (exit 0, nothing left); a Qt program's segment refused with 8"
