#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: --json escapes as JSON does; --info escapes control characters; one valid JSON object.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
S=$'src\n"q"\\\e[2J\xff\x01end'
echo v | shm-load -q --source "$S" - || fail "load with source"
shm-read --json >"$W/j"; "$JSON_FIELD" <"$W/j" || fail "invalid JSON: $(cat -v "$W/j")"
shm-read --info >"$W/i"
if grep -q $'\e' "$W/i"; then fail "raw ESC in --info"; fi
{ [ "$(grep -c '^source' "$W/i")" = 1 ] && ! grep -q '^"q"' "$W/i"; } || fail "source line forged in --info"
pass "json valid, info escaped: $(grep ^source "$W/i")"
