#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Outside break pass, issue 15: under RLIMIT_AS (ulimit -v) too small to map a 64 MiB segment,
# `shm-read --list` hid that segment and exited 0. It exists: the listing shows it, marked as not
# inspected with why (RLIMIT_AS, 'ulimit -v'), in the human and the JSON form, and still exits 0
# (the listing itself succeeded); `-k KEY` shows it too, found through KEY's key file.
# PLAIN_ONLY: the sanitizers reserve terabytes of address space and cannot start under ulimit -v.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64M || fail "holder"
big=$(shm-read --list --json | "$JSON_FIELD" shmid) || fail "no shmid of the holder's segment"
small=$K-small
SHM_KEY=$small start_holder -s 4K || fail "small holder"
with_address_space_limit() { bash -c 'ulimit -v 100000; exec "$@"' _ "$@"; }
key_file=$(basename "$(ls "$W"/qipc_sharedmemory_* | while read -r f; do
  [ "$(ipc_id m "$(ftok_key "$f")")" = "$big" ] && echo "$f"; done)")
[ -n "$key_file" ] || fail "no key file leads to segment $big"

RC=0; with_address_space_limit shm-read --list >"$W/out" 2>"$W/err" || RC=$?
[ "$RC" = 0 ] || fail "text: rc=$RC $(cat "$W/err")"
grep -q "^alive .* $small\$" "$W/out" || fail "text: the small segment is not listed: $(cat "$W/out")"
row=$(grep "^unknown .* $big  " "$W/out") || fail "text: segment $big is not shown: $(cat "$W/out")"
[[ $row == *"? (not inspected: "*"ENOMEM"*"RLIMIT_AS is 100000 KiB, see 'ulimit -v'"*"raise the limit"*"its key file: $key_file)" ]] ||
  fail "text: does not say why and whose: $row"

RC=0; with_address_space_limit shm-read --list --json >"$W/out" 2>"$W/err" || RC=$?
[ "$RC" = 0 ] || fail "json: rc=$RC $(cat "$W/err")"
[ "$(wc -l <"$W/out")" = 2 ] || fail "json: expected 2 lines: $(cat "$W/out")"
line=$(grep "\"shmid\":$big[,}]" "$W/out") || fail "json: segment $big is not shown: $(cat "$W/out")"
[ "$(echo "$line" | "$JSON_FIELD" state)" = unknown ] || fail "json: state: $line"
[[ "$(echo "$line" | "$JSON_FIELD" problem)" == *"RLIMIT_AS is 100000 KiB, see 'ulimit -v'"* ]] || fail "json: problem: $line"
[ "$(echo "$line" | "$JSON_FIELD" native_key)" = "$W/$key_file" ] || fail "json: native_key: $line"

RC=0; with_address_space_limit shm-read --list -k "$K" >"$W/out" 2>"$W/err" || RC=$?
[ "$RC" = 0 ] || fail "-k: rc=$RC $(cat "$W/err")"
[ "$(grep -c "^unknown .* $big  " "$W/out")" = 1 ] && [ "$(wc -l <"$W/out")" = 2 ] || fail "-k: $(cat "$W/out")"
RC=0; with_address_space_limit shm-read --list -k "$small" >"$W/out" 2>"$W/err" || RC=$?
[ "$RC" = 0 ] && ! grep -q "^unknown" "$W/out" || fail "-k of the other key shows it: rc=$RC $(cat "$W/out")"
pass "under ulimit -v: the segment that cannot be mapped is listed as not inspected, naming RLIMIT_AS, exit 0"
