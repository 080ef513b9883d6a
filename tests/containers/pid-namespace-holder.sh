#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder in a PID namespace of its own that shares the IPC namespace and
# TMPDIR (as `docker --ipc=host -v /tmp:/tmp` does) is alive to host tools: shm-read works,
# shm-create on the key exits 4 (held) and names it by its PID here and there; once it is
# killed, the host's shm-create adopts its segment and keeps the version. (Before: its PID, 1 in
# its namespace, meant nothing on the host; the live segment was adopted.)
. "$(dirname "$0")/../support/common.sh"
start_pid_namespace_holder
hp=$NS_HOLDER up=$NS_UNSHARE
grep -q '^NSpid:.*[[:space:]]1$' "/proc/$hp/status" || fail "the holder is not PID 1 of a namespace: $(grep NSpid "/proc/$hp/status")"
shm-load -q "$W/small"
run shm-read
[ "$RC" = 0 ] || fail "host shm-read: rc=$RC $ERR"
cmp -s "$OUT" "$W/small" || fail "host shm-read returned other bytes"
run shm-create -s 64K
[ "$RC" = 4 ] || fail "host shm-create on the held key: rc=$RC (want 4) $ERR"
[[ $ERR == *"PID $hp (PID 1 in its PID namespace)"* ]] || fail "the refusal does not name the holder by its PID here and there: $ERR"
kill -KILL "$hp"
wait_gone "$hp"
wait_rc "$up"
run shm-read
[ "$RC" = 3 ] || fail "after the kill, shm-read: rc=$RC (want 3, holder not running) $ERR"
hp2=$(timeout 60 shm-create -d -s 64K 2>"$W/adopt.err") || fail "host adoption: $(cat "$W/adopt.err")"
PIDS+=("$hp2")
run shm-read
[ "$RC" = 0 ] && cmp -s "$OUT" "$W/small" || fail "after adoption: rc=$RC $ERR"
pass "a holder in another PID namespace was alive to the host, then adopted once killed"
