#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A repeated option is not an error; the last one wins (`-k a -k b` is b, as in
# coreutils), so that a script's defaults can be overridden by appending; a repeated flag is
# harmless.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K -s 128K --raw --raw -q -q -k "$K-unused" -k "$K" || fail "a holder with repeated options did not start"
run shm-read -t 5 -t 0.2 --wait --raw -k "$K-other" -k "$K"
# The holder is raw: --wait is refused with --raw; what matters is that the repeats parsed.
[ "$RC" = 2 ] && [[ $ERR == *"--raw cannot be used with --wait"* ]] || fail "rc=$RC: $ERR"
run shm-read --raw -k "$K-x" -k "$K" --all --all
[ "$RC" = 0 ] && [ "$(wc -c <"$OUT")" = 131072 ] || fail "the last -s (128K) and -k did not win: rc=$RC size=$(wc -c <"$OUT") $ERR"
# -t: the last value is the bound (0.2 s, not 30 s) of a wait that cannot end otherwise.
kill "$HP"; wait_gone "$HP"
start_holder -s 64K
t0=$(now_ms); run shm-read --wait -t 30 -t 0.2
[ "$RC" = 7 ] && [ "$(ms "$t0")" -lt 10000 ] || fail "-t 30 -t 0.2 waited $(ms "$t0") ms, rc=$RC: $ERR"
pass "last -k, -s, -t won; repeated flags accepted"
