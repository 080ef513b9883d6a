#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a relative TMPDIR is resolved once at start from the working directory; --json tmpdir
# is absolute.
. "$(dirname "$0")/../support/common.sh"
base=$W; mkdir "$base/rel"; cd "$base"
HP=$(TMPDIR=rel shm-create -d -q -s 64K) || fail "holder with relative TMPDIR"
PIDS+=("$HP")
cd /; echo v | TMPDIR=$base/rel shm-load -q - || fail "load with absolute form failed"
t=$(TMPDIR=$base/rel shm-read --json | "$JSON_FIELD" tmpdir)
{ [ "$t" = "$base/rel" ] && [ -n "$(ls "$base/rel")" ]; } && pass "resolved to $t" || fail "tmpdir=$t files: $(ls "$base/rel")"
