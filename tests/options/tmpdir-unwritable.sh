#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README exit 1 "the message says what": TMPDIR searchable but not writable for the user -> a
# clear one-line error, nothing left.
. "$(dirname "$0")/../support/common.sh"
require_nobody
mkdir "$W/ro"; chmod 555 "$W/ro"; chmod 755 "$W"
r=0; runuser -u nobody -- env TMPDIR="$W/ro" PATH="$PATH" shm-create -d -q -k "$K-ro" >"$W/o" 2>"$W/e" || r=$?
if [ -s "$W/o" ]; then PIDS+=("$(cat "$W/o")"); fi
{ [ $r != 0 ] && [ $r -lt 128 ] && [ "$(wc -l <"$W/e")" = 1 ] && grep -q "$W/ro" "$W/e"; } && pass "rc=$r: $(cat "$W/e")" || fail "rc=$r: $(cat "$W/e")"
