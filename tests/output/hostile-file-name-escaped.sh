#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: file names are escaped in errors and status lines; one line each.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
run shm-load $'/nonexist/a\nshm-load: forged\e[31m'; r=$RC
{ [ "$r" = 5 ] && [ "$(echo "$ERR" | wc -l)" = 1 ] && ! echo "$ERR" | grep -q $'\e'; } || fail "rc=$r err=$(echo "$ERR" | cat -v)"
f=$W/$'ok\nname\xff'; echo d >"$f"; run shm-load "$f"
{ [ "$RC" = 0 ] && [ "$(echo "$ERR" | wc -l)" = 1 ]; } && pass "escaped: $ERR" || fail "rc=$RC $(echo "$ERR" | cat -v)"
