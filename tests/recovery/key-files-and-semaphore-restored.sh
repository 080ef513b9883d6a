#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Key files and the semaphore removed by anyone under a live holder (a cleaner
# of /tmp, RemoveIPC, rm by hand) come back within about a second under the same SysV keys (the
# key files from the holder's anchors, same inode), so tools work again and meet the same segment
# and content. The holder's anchors are gone when it stops. On main e9c9e2c the holder only said
# "stop this holder and start a new one".
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
echo kept | shm-load -q - || fail "load"
shmid=$(jget shmid)
semid=$(jget semid)
declare -A inode
for file in "$W"/qipc_*; do inode[$file]=$(stat -c %i "$file"); done
[ "${#inode[@]}" = 2 ] || fail "expected two key files: ${!inode[*]}"
anchors=$(ls -A "$W" | grep -c 'shm-tools-anchor$' || true)
[ "$anchors" = 2 ] || fail "expected two anchors in TMPDIR, found $anchors"
rm -f "$W"/qipc_*
ipcrm -s "$semid"
t=$(now_ms)
reads_kept() { [ "$(shm-read -t 1 2>/dev/null)" = kept ]; }
poll_until 10 reads_kept || fail "after 10 s: $(shm-read -t 1 2>&1)"
el=$(ms "$t")
for file in "${!inode[@]}"; do
  [ "$(stat -c %i "$file" 2>/dev/null)" = "${inode[$file]}" ] || fail "$file not restored under its inode"
done
[ "$(jget shmid)" = "$shmid" ] || fail "not the same segment"
echo new | shm-load -q - || fail "load after the repair"
[ "$(shm-read)" = new ] || fail "read after the repair"
kill "$HP"; wait_gone "$HP"
left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
[ -z "$left" ] || fail "left behind after the holder stopped: $left"
pass "key files and semaphore restored after ${el}ms, same inodes, same segment"
