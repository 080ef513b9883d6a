#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: output into a full disk is an error (exit 1), including the final flush of --info/--json.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
bad=""
for a in "" --info --json; do r=0; shm-read $a >/dev/full 2>"$W/e" || r=$?; [ $r = 1 ] || bad="$bad [$a rc=$r]"; done
rv=0; shm-create -k "$K-2" --version >/dev/full 2>/dev/null || rv=$?; [ $rv = 1 ] || bad="$bad [--version rc=$rv]"
rv=0; shm-read --help >/dev/full 2>/dev/null || rv=$?; [ $rv = 1 ] || bad="$bad [--help rc=$rv]"
[ -z "$bad" ] && pass "all rc=1" || fail "expected exit 1 on /dev/full:$bad"
