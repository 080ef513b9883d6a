#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# User trial (g): a reader killed while `shm-read -o FILE` writes leaves no temporary file
# (".FILE.XXXXXX") behind: the temporary file has no name until commit (O_TMPFILE). The death
# is made certain, not timed: a file size limit (ulimit -f) below the content's size ends the
# reader with SIGXFSZ, which it does not catch, in the middle of writing. FILE stays as it was.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"
head -c 1000000 /dev/urandom | shm-load -q - || fail "load"
mkdir "$W/dir"
echo old >"$W/dir/copy"
RC=0; bash -c 'ulimit -f 64; exec shm-read -o "$1"' _ "$W/dir/copy" 2>"$W/e" || RC=$?
[ "$RC" = $((128 + 25)) ] || fail "expected death by SIGXFSZ (153), got rc=$RC: $(cat "$W/e")"
left=$(ls -A "$W/dir")
[ "$left" = copy ] || fail "left behind: $(ls -A "$W/dir" | tr '\n' ' ')"
[ "$(cat "$W/dir/copy")" = old ] || fail "FILE changed"
# And the same read without the limit replaces FILE whole.
shm-read -o "$W/dir/copy" || fail "read -o"
[ "$(ls -A "$W/dir")" = copy ] && [ "$(wc -c <"$W/dir/copy")" = 1000000 ] || fail "after a good read: $(ls -A "$W/dir")"
pass "killed mid-write: no temporary file, FILE unchanged; a good read replaced it"
