#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a Qt QSharedMemory("KEY") meets the same objects as shm-tools; Qt attaching and
# detaching must not destroy the segment.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
r=0; q=$("$QA" "$K" 2>&1) || r=$?
[ "$(shm-read)" = v ] || fail "segment damaged after Qt attach/detach"
{ [ $r = 0 ] && echo "$q" | grep -q "size=$((4096 + 2 * 65536))"; } && pass "Qt attached ($(echo "$q" | grep -o 'size=[0-9]*')), segment intact" || fail "Qt peer rc=$r: $q"
