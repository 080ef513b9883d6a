#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 9: processes meet through the key file, whatever path leads to
# it. A "container" (a mount namespace of its own, the same IPC namespace) that sees the
# holder's TMPDIR bind-mounted at another path, with TMPDIR set to that path, reads and loads
# the holder's segment; so do a TMPDIR given through a symbolic link and one with a trailing
# slash. Before: the bind-mounted path was refused with exit 9 "an ftok collision: it was made
# for key K in TMPDIR D (key file inode N), not for key K in TMPDIR E (key file inode N)".
. "$(dirname "$0")/../support/common.sh"
unshare --mount true 2>/dev/null || skip "cannot make a mount namespace here (needs root)"
D=$W/hostshared E=$W/ctr-shared
mkdir "$D" "$E"
ln -s "$D" "$W/link"
HP=$(TMPDIR=$D shm-create -d -q -s 1M) || fail "holder"
PIDS+=("$HP")
echo host-v1 | TMPDIR=$D shm-load -q -
[ "$(TMPDIR=$W/link shm-read 2>&1)" = host-v1 ] || fail "through a symbolic link: $(TMPDIR=$W/link shm-read 2>&1)"
[ "$(TMPDIR=$D/ shm-read 2>&1)" = host-v1 ] || fail "with a trailing slash: $(TMPDIR=$D/ shm-read 2>&1)"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount bash -c 'mount --bind "$1" "$2" && export TMPDIR=$2 &&
  { shm-read -t 2; echo "read rc=$?"; echo ctr-v2 | shm-load -q -t 2 -; echo "load rc=$?";
    shm-read --list; }' - "$D" "$E" >"$W/ctr.out" 2>&1
grep -qx host-v1 "$W/ctr.out" && grep -qx "read rc=0" "$W/ctr.out" && grep -qx "load rc=0" "$W/ctr.out" ||
  fail "in the container (TMPDIR=$E, a bind mount of $D): $(cat "$W/ctr.out")"
grep -q "alive.*$K" "$W/ctr.out" || fail "the container's --list does not list the segment as its own: $(cat "$W/ctr.out")"
[ "$(TMPDIR=$D shm-read)" = ctr-v2 ] || fail "the host does not read the container's load: $(TMPDIR=$D shm-read 2>&1)"
run env TMPDIR="$D" shm-create -q --remove -t 10
[ "$RC" = 0 ] || fail "--remove: rc=$RC $ERR"
wait_gone "$HP"
pass "the same TMPDIR through a bind mount, a symbolic link and a trailing slash meets the same segment"
