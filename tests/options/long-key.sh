#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Robustness: a 5000-character key either works end to end or is refused with exit 2 and one
# line; no crash.
. "$(dirname "$0")/../support/common.sh"
SHM_KEY=$K$(head -c 5000 /dev/zero | tr '\0' k); export SHM_KEY
run shm-create -d -q -s 64K; r=$RC; if [ "$r" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
if [ "$r" = 0 ]; then
  { echo v | shm-load -q - && [ "$(shm-read)" = v ]; } && pass "long key works" || fail "long key: load/read failed"
else
  { [ "$r" = 2 ] && [ "$(echo "$ERR" | wc -l)" = 1 ]; } && pass "refused rc=2" || fail "rc=$r: ${ERR:0:200}"
fi
