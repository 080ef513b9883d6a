#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: a key file planted by another user in a shared TMPDIR -> exit 9, left untouched.
. "$(dirname "$0")/../support/common.sh"
require_nobody
learn_key_file_names
chmod 1777 "$W"
for n in "${NAMES[@]}"; do runuser -u nobody -- sh -c "echo x > '$W/$n'"; done
run shm-create -d -q -s 64K; if [ "$RC" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
owner=$(stat -c %U "$W/${NAMES[0]}"); sz=$(stat -c %s "$W/${NAMES[0]}")
{ [ "$RC" = 9 ] && [ "$owner" = nobody ] && [ "$sz" = 2 ]; } && pass "rc=9: $ERR" || fail "expected 9; rc=$RC owner=$owner size=$sz $ERR"
