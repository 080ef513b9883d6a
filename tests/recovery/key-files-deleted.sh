#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 10: key files and the holder's anchors of them removed under a live holder -> tools exit 3 naming the live holder; a new
# shm-create exits 4 naming it; the holder still removes its segment when stopped.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
shmid=$(jget shmid)
# Moved away rather than deleted: gone for the tools, but their inodes stay taken until the
# cleanup, so no parallel test's new key file can reuse one and meet this segment (exit 9).
# The holder's anchors (second hard links, from which it restores removed key files) go first:
# this case is the one it cannot repair.
mkdir "$W/moved" && mv "$W"/.qipc_*.shm-tools-anchor "$W/moved/" && mv "$W"/qipc_* "$W/moved/"
run shm-read; r1=$RC; e1=$ERR
run shm-create -d -q; r2=$RC; e2=$ERR; if [ "$r2" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
kill "$HP"; wait_gone "$HP"
segment_gone() { ! ipcs -m | awk '{print $2}' | grep -qx "$shmid"; }
lf=""
if ! poll_until 10 segment_gone; then ipcrm -m "$shmid"; lf=" segment-left-after-stop"; fi
{ [ "$r1" = 3 ] && echo "$e1" | grep -q "$HP" && [ "$r2" = 4 ] && echo "$e2" | grep -q "$HP" && [ -z "$lf" ]; } && pass "read rc=3 ($e1); create rc=4" || fail "read rc=$r1 '$e1'; create rc=$r2 '$e2'$lf"
