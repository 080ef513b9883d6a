#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: TMPDIR missing or not a searchable directory -> exit 2 with one line; empty SHM_KEY -> exit 2.
. "$(dirname "$0")/../support/common.sh"
require_nobody
bad=""
TMPDIR=$W/nope run shm-create -d -q; [ "$RC" = 2 ] || bad="$bad missing:rc=$RC"
touch "$W/file"; TMPDIR=$W/file run shm-read; [ "$RC" = 2 ] || bad="$bad file:rc=$RC"
mkdir "$W/noexec"; chmod 600 "$W/noexec"; chmod 755 "$W"
run runuser -u nobody -- env TMPDIR="$W/noexec" PATH="$PATH" shm-read -k x; [ "$RC" = 2 ] || bad="$bad unsearchable:rc=$RC($ERR)"
SHM_KEY= run shm-read; [ "$RC" = 2 ] || bad="$bad emptySHM_KEY:rc=$RC"
run shm-read -k ''; [ "$RC" = 2 ] || bad="$bad empty-k:rc=$RC"
[ -z "$bad" ] && pass "all exit 2" || fail "$bad"
