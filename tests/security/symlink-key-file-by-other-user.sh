#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: a key file must be a regular file we own; another user's symlink planted in a
# shared TMPDIR must not make root create or touch its target.
. "$(dirname "$0")/../support/common.sh"
require_nobody
learn_key_file_names
chmod 1777 "$W"
for n in "${NAMES[@]}"; do runuser -u nobody -- ln -s "$W/victim-$n" "$W/$n"; done
run shm-create -d -q -s 4096; if [ "$RC" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
v=$(find "$W" -maxdepth 1 -name 'victim*' | wc -l)
# the victims are key files too when the tool followed the links: the cleanup removes their objects
[ "$v" = 0 ] || fail "victim files created: $v; rc=$RC $ERR"
[ "$RC" = 9 ] && pass "rc=9: $ERR" || fail "expected exit 9 (key file planted by another user, not a regular file we own); got rc=$RC: $ERR"
