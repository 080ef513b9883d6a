#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: TMPDIR defaults to /tmp; TMPDIR set but empty behaves as unset (/tmp) or is refused with
# exit 2 -- never '/' or the working directory.
. "$(dirname "$0")/../support/common.sh"
# The key files of this key in /tmp, so that the cleanup removes them whatever happens.
shm_file=$(TMPDIR= "$Q" native-key "$K")
KEY_FILES+=("$shm_file" "${shm_file/qipc_sharedmemory_/qipc_systemsem_}")
cd "$W"
TMPDIR= run shm-create -d -q -s 4096; r=$RC
if [ "$r" = 0 ]; then
  p=$(cat "$OUT"); PIDS+=("$p")
  t=$(TMPDIR= shm-read --json | "$JSON_FIELD" tmpdir)
  kill "$p"; wait_gone "$p"
  [ "$t" = /tmp ] && pass "empty TMPDIR -> /tmp" || fail "empty TMPDIR used '$t'"
else
  [ "$r" = 2 ] && pass "refused rc=2: $ERR" || fail "rc=$r $ERR"
fi
