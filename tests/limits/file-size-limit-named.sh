#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Under RLIMIT_FSIZE (ulimit -f), `shm-read >FILE` and `shm-read -o FILE`
# died of SIGXFSZ (status 153) mid-write, without a word. Now the write fails with EFBIG and the
# tool says so in one line naming the limit (exit 1); -o leaves the old FILE whole; and a
# command run by --exec gets SIGXFSZ as the tool found it, not ignored.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 1M || fail "holder"
head -c 65536 /dev/urandom >"$W/in"
shm-load -q "$W/in" || fail "load"
# with_file_limit COMMAND...: COMMAND with a file size limit of 8 KiB (ulimit -f counts 1 KiB).
with_file_limit() { bash -c 'ulimit -f 8; exec "$@"' _ "$@"; }

RC=0; with_file_limit shm-read >"$W/out" 2>"$W/err" || RC=$?
[ "$RC" = 1 ] || fail "shm-read >FILE at the file size limit: rc=$RC (153 is death by SIGXFSZ) $(cat "$W/err")"
[ "$(wc -l <"$W/err")" = 1 ] || fail "not one line: $(cat "$W/err")"
grep -q '^shm-read: .*File too large.*ulimit -f' "$W/err" || fail "the limit is not named: $(cat "$W/err")"

echo "the old content" >"$W/kept"
RC=0; with_file_limit shm-read -o "$W/kept" 2>"$W/err" || RC=$?
[ "$RC" = 1 ] || fail "shm-read -o at the file size limit: rc=$RC $(cat "$W/err")"
grep -q 'ulimit -f' "$W/err" || fail "-o: the limit is not named: $(cat "$W/err")"
[ "$(cat "$W/kept")" = "the old content" ] || fail "-o replaced or damaged the old file"

# The --exec child: SIGXFSZ (signal 25, bit 24 of SigIgn) as shm-read found it, i.e. as here.
shm-read --follow --since 0 --exec "grep ^SigIgn: /proc/self/status >$W/sigign" 2>"$W/err" & follower=$!
PIDS+=("$follower")
wait_until 20 "the --exec command ran" test -s "$W/sigign"
kill -INT "$follower"; wait_rc "$follower"
mask=$(awk '{ print $2 }' "$W/sigign") ours=$(awk '/^SigIgn:/ { print $2 }' /proc/$$/status)
(( (0x$mask >> 24 & 1) == (0x$ours >> 24 & 1) )) ||
    fail "the --exec command got SIGXFSZ ${mask} where the test runs with ${ours} (SigIgn)"
pass "at ulimit -f: one line naming the limit, exit 1, -o keeps the old file; --exec gets SIGXFSZ as found"
