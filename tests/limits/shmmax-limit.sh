#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README exit 1 "the message says what": a segment larger than kernel.shmmax -> a one-line error
# naming the limit or what to do, nothing left. Changes kernel.shmmax for the whole IPC namespace
# (restored by the cleanup), so ctest runs it in an IPC namespace of its own (in_ipc_namespace.sh).
. "$(dirname "$0")/../support/common.sh"
old=$(sysctl -n kernel.shmmax) || skip "cannot read kernel.shmmax"
sysctl -q -w kernel.shmmax=1048576 2>/dev/null || skip "cannot change kernel.shmmax here (needs root in the IPC namespace)"
CLEANUPS+=("sysctl -q -w kernel.shmmax=$old")
run shm-create -d -s 4M; r=$RC; e=$ERR
sysctl -q -w kernel.shmmax="$old"
if [ "$r" = 0 ]; then PIDS+=("$(tail -n 1 "$OUT")"); fi
kf=""; if find "$W" -name 'qipc_*' | grep -q .; then kf=" key-files-left"; fi
{ [ "$r" != 0 ] && [ "$r" -lt 128 ] && [ "$(echo "$e" | wc -l)" = 1 ] && echo "$e" | grep -qi 'shmmax\|limit\|-s' && [ -z "$kf" ]; } && pass "rc=$r: $e" || fail "rc=$r$kf: $e"
