#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 9: another key/TMPDIR whose key file maps to the same ftok key -> exit 9 naming the
# owner key.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
K2=$K-other
mkdir "$W/other" "$W/p2"
p=$(TMPDIR=$W/p2 shm-create -d -q -k "$K2" -s 4096) || fail "second holder"
PIDS+=("$p"); n2=$(cd "$W/p2" && ls); kill "$p"; wait_gone "$p"
for n in $n2; do
  case $n in
    *sharedmemory*) ln "$W"/qipc_sharedmemory_* "$W/other/$n" ;;
    *) ln "$W"/qipc_systemsem_* "$W/other/$n" ;;
  esac
done
TMPDIR=$W/other run shm-read -k "$K2"; r=$RC; e=$ERR
TMPDIR=$W/other run shm-load -q -k "$K2" "$W/small"; r2=$RC
rm -f "$W"/other/*
[ "$(shm-read)" = v ] || fail "content changed"
{ [ "$r" = 9 ] && [ "$r2" = 9 ] && echo "$e" | grep -q -- "$K"; } && pass "rc=9 naming $K: $e" || fail "read rc=$r load rc=$r2: $e"
