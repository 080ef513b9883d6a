#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Holder A runs; holder B starts on the same key and TMPDIR in an IPC
# namespace of its own (a container with its own IPC namespace and a shared /tmp). There no
# segment is under the key, so B used to start without a word on A's key files and anchors, and
# removed them when it stopped: A's readers exited 3 ("the key files ... were removed while its
# holder runs") for good. Now B sees A's holder mark (an OFD lock on the key file, which the
# kernel shows in any IPC namespace), refuses with exit 4 and one line, and leaves A's key files
# and anchors as they are: A keeps serving after B's attempt, even when B
# then tries to load and read in its namespace (and is stopped).
. "$(dirname "$0")/../support/common.sh"
unshare --ipc true 2>/dev/null || skip "cannot make an IPC namespace here (unshare --ipc needs root)"
start_holder -s 1M || fail "holder A"
echo A-data | shm-load -q - || fail "load into A"
files() { find "$W" -maxdepth 1 -name '*qipc*' -printf '%i %f\n' | sort; }
before=$(files)
[ "$(grep -c anchor <<<"$before")" = 2 ] || fail "A has not anchored both key files: $before"
# B, and then a load and a read in B's namespace, as the case did (all bounded: a B that starts
# would hold the foreground until the timeout stops it, and remove A's files then).
RC=0
timeout 30 unshare --ipc bash -c '
  shm-create -s 1M -t 2 >"$1/b.out" 2>"$1/b.err"; echo "$?" >"$1/b.rc"
  echo B-data | shm-load -q -t 1 - 2>"$1/bload.err"; echo "$?" >"$1/bload.rc"
  shm-read -t 1 >"$1/bread.out" 2>"$1/bread.err"; echo "$?" >"$1/bread.rc"
  ipcs -m -s | grep -c "^0x" >"$1/b.ipcs" || true' _ "$W" || RC=$?
[ "$RC" = 0 ] || fail "B in the second IPC namespace did not end by itself (rc=$RC): $(cat "$W/b.err")"
b_rc=$(cat "$W/b.rc")
[ "$b_rc" = 4 ] || fail "B started or failed otherwise (rc=$b_rc, want 4): $(cat "$W/b.err")"
[ "$(line_count "$W/b.err")" = 1 ] || fail "B's refusal is not one line: $(cat "$W/b.err")"
has_line "$W/b.err" "held by a running holder (PID $HP)" || fail "B's refusal does not name A: $(cat "$W/b.err")"
has_line "$W/b.err" "another IPC namespace" || fail "B's refusal does not say why it cannot see A: $(cat "$W/b.err")"
[ "$(cat "$W/b.ipcs")" = 0 ] || fail "B left objects in its namespace: $(cat "$W/b.ipcs")"
[ "$(cat "$W/bload.rc")" != 0 ] || fail "a load in B's namespace succeeded without a holder there"
[ "$(files)" = "$before" ] || fail "A's key files or anchors changed: before: $before; after: $(files)"
run shm-read -t 2
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = A-data ] || fail "A's reader after B's attempt: rc=$RC $ERR"
echo A2 | shm-load -q - || fail "load into A after B's attempt"
[ "$(shm-read)" = A2 ] || fail "A does not serve the new version"
shm-create -q --remove || fail "--remove of A"
[ -z "$(ls -A "$W" | grep -E 'qipc_|anchor')" ] || fail "left behind after A stopped: $(ls -A "$W")"
pass "B in another IPC namespace refused (exit 4, one line); A's key files and anchors untouched"
