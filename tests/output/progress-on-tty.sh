#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: --progress shows at least the final state on a terminal; --no-progress never.
. "$(dirname "$0")/../support/common.sh"
command -v script >/dev/null || skip "needs script (Debian: bsdutils)"
start_holder -s 1M || fail "holder"; head -c 100000 /dev/urandom >"$W/in"
script -qec "shm-load -k '$K' --progress '$W/in'" /dev/null >"$W/t1" 2>&1 </dev/null || fail "load on a tty: $(cat -v "$W/t1")"
script -qec "shm-load -k '$K' --no-progress '$W/in'" /dev/null >"$W/t2" 2>&1 </dev/null || fail "load on a tty: $(cat -v "$W/t2")"
a=$(wc -c <"$W/t1"); b=$(wc -c <"$W/t2")
[ "$a" -gt "$b" ] && pass "--progress adds output on tty ($a vs $b bytes)" || fail "--progress on tty $a bytes vs --no-progress $b: $(cat -v "$W/t1")"
