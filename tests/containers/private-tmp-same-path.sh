#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 9: two processes with different TMPDIR directories never meet,
# even at the same path. A "service" with a private /tmp (PrivateTmp=yes: a mount namespace of
# its own with its own tmpfs mounted at path P, the same IPC namespace) holds KEY with TMPDIR=P.
# Outside, P is another (empty) directory: the service's segment is not listed as ours, shm-read
# exits 3 without naming it, shm-create makes a holder of its own (and --remove stops that one),
# and --remove exits 3, leaving the service's holder running. Before: --list showed it as alive
# under this TMPDIR, shm-read said its key files had been removed, shm-create exited 4, and
# `shm-create --remove` stopped the service's holder.
. "$(dirname "$0")/../support/common.sh"
unshare --mount true 2>/dev/null || skip "cannot make a mount namespace here (needs root)"
P=$W/svc
mkdir "$P"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount bash -c 'mount -t tmpfs -o size=4M tmpfs "$1" && TMPDIR=$1 exec shm-create -s 1M' - "$P" \
  2>"$W/svc.err" & s=$!
PIDS+=("$s")
wait_until 30 "the service's holder is ready" has_line "$W/svc.err" ready
in_service() { in_mount_namespace_of "$s" env TMPDIR="$P" "$@"; }
echo svc-data | in_service shm-load -q - || fail "the service's load"
[ -z "$(ls -A "$P")" ] || fail "the outside directory is not empty: $(ls -A "$P")"
run env TMPDIR="$P" shm-read --list
[ "$RC" = 0 ] && ! grep -q "$K" "$OUT" || fail "outside, --list shows the service's segment as ours: rc=$RC $(cat "$OUT")"
run env TMPDIR="$P" shm-read -t 1
[ "$RC" = 3 ] && [[ $ERR != *"PID $s"* ]] && [[ $ERR != *removed* ]] ||
  fail "outside read: rc=$RC (want 3, not naming the service's holder) $ERR"
run env TMPDIR="$P" shm-create -d -q -s 1M -t 1
[ "$RC" = 0 ] || fail "outside shm-create: rc=$RC (want 0: a holder of its own) $ERR"
o=$(cat "$OUT"); PIDS+=("$o")
echo outside-data | TMPDIR=$P shm-load -q - || fail "the outside load"
[ "$(in_service shm-read)" = svc-data ] || fail "the service reads: $(in_service shm-read 2>&1)"
run env TMPDIR="$P" shm-create -q --remove -t 10
[ "$RC" = 0 ] || fail "outside --remove of its own holder: rc=$RC $ERR"
wait_gone "$o"
gone "$s" && fail "the outside --remove of its own holder stopped the service's"
run env TMPDIR="$P" shm-create --remove -t 3
[ "$RC" = 3 ] || fail "outside --remove with only the service's segment: rc=$RC (want 3) $ERR"
gone "$s" && fail "the service's holder was stopped by a process with another TMPDIR"
[ "$(in_service shm-read)" = svc-data ] || fail "the service's data after the outside --remove: $(in_service shm-read 2>&1)"
kill -TERM "$s"
wait_gone "$s"
pass "a private /tmp at the same path is another TMPDIR: not listed, not read, not removed from outside"
