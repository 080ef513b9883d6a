#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: shm-create --raw is a plain Qt segment of exactly SIZE bytes; shm-load --raw writes
# bytes+NUL under Qt's lock; a Qt QSharedMemory("KEY") meets it; too-big raw content is refused (6).
. "$(dirname "$0")/../support/common.sh"
start_holder --raw -s 10K || fail "raw holder"
echo -n "hello qt" >"$W/in"; shm-load -q --raw "$W/in" || fail "raw load"
q=$("$QA" "$K" 2>&1) || true; [ "$q" = "hello qt|size=10240" ] || fail "Qt peer saw '$q'"
[ "$(shm-read --raw)" = "hello qt" ] || fail "shm-read --raw"
head -c 10240 /dev/zero | tr '\0' a >"$W/big"; run shm-load -q --raw "$W/big"; [ "$RC" = 6 ] || fail "exactly SIZE raw (no room for NUL) rc=$RC"
[ "$(shm-read --raw)" = "hello qt" ] || fail "raw content changed by refused load"
pass "Qt peer reads 'hello qt', size 10240; oversize raw refused rc=6"
