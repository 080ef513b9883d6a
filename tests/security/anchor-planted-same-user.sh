#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8/10: a symlink and a FIFO of our own user planted where the holder keeps its second
# links to the key files (.qipc_*.shm-tools-anchor) are replaced, never followed or opened: the
# holder starts without blocking, the symlink's target stays untouched, key files removed later
# are restored (reads work again), --remove stops the holder, and nothing is left.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
anchor() { echo "$W/.$1.shm-tools-anchor"; }
echo precious >"$W/victim"
ln -s "$W/victim" "$(anchor "${NAMES[0]}")"
mkfifo "$(anchor "${NAMES[1]}")"
run shm-create -d -q -s 64K
[ "$RC" = 0 ] || fail "the holder did not start over planted anchors: rc=$RC $ERR"
PIDS+=("$(cat "$OUT")")
[ "$(cat "$W/victim")" = precious ] || fail "the symlink's target was changed"
for n in "${NAMES[@]}"; do
  [ -f "$(anchor "$n")" ] && [ ! -L "$(anchor "$n")" ] || fail "anchor of $n is not a regular file now"
done
echo v1 | shm-load -q - || fail "load"
for n in "${NAMES[@]}"; do rm "$W/$n"; done
reads_v1() { run shm-read; [ "$RC" = 0 ] && [ "$(cat "$OUT")" = v1 ]; }
poll_until 10 reads_v1 || fail "key files not restored from the anchors: rc=$RC $ERR"
run shm-create --remove -t 10
[ "$RC" = 0 ] || fail "--remove: rc=$RC $ERR"
left=$(find "$W" -maxdepth 1 -name '*qipc_*' | wc -l)
[ "$left" = 0 ] || fail "left behind: $(ls -a "$W")"
pass "planted symlink and FIFO anchors replaced, key files restored, --remove clean"
