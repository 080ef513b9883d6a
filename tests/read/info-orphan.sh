#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read --info` on an orphan (its holder was killed) shows what is there on
# stdout: that it is an orphan, its holder's PID, its content's size and generation, and what to
# do (adopt with shm-create, or shm-create --remove); the error line and exit 3 stay, for
# scripts. Before, stdout was empty.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
printf 'hello' | shm-load -q - || fail "load"
kill -KILL "$HP"; wait_gone "$HP"
run shm-read --info
[ "$RC" = 3 ] || fail "rc=$RC $ERR"
grep -q "^state: *orphan: its holder (PID $HP) is not running" "$OUT" || fail "no orphan state: $(cat "$OUT")"
grep -q "^to keep it: *shm-create -k $K " "$OUT" || fail "no adopt advice: $(cat "$OUT")"
grep -q "^to remove: *shm-create --remove -k $K$" "$OUT" || fail "no remove advice: $(cat "$OUT")"
grep -q "^generation: *1$" "$OUT" && grep -q "^length: *5 bytes" "$OUT" || fail "content facts: $(cat "$OUT")"
[[ $ERR == "shm-read: $K: the holder (PID $HP) is not running"*"shm-create --remove -k $K"* ]] || fail "stderr: $ERR"
shm-create -q --remove || fail "remove"
pass "--info on an orphan says so and what to do"
