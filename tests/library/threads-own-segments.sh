#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two threads of one program, each with its own Segment on one key, load and
# read 4 MiB versions at once. Each Segment is a participant of its own (segment.h), so no load
# is "taken over meanwhile", no read fails its checksum or sees bytes of two versions, and a
# later shm-read verifies the latest version. (Before: a claim was a rival only if its PID
# differed, and about half the loads and dozens of reads failed.)
. "$(dirname "$0")/../support/common.sh"
P=${PARTICIPANT_PEER_BIN:?set PARTICIPANT_PEER_BIN}
start_holder -s 4M || fail "holder"
run "$P" threads "$K" 20
[ "$RC" = 0 ] || fail "rc=$RC: $(head -5 "$OUT") $ERR"
grep -q '^failures 0$' "$OUT" || fail "$(cat "$OUT")"
run shm-read
[ "$RC" = 0 ] || fail "a later shm-read: rc=$RC $ERR"
pass "40 concurrent loads and reads by two Segments of one process, all intact"
