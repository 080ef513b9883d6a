#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The longest keys Qt takes (key file names of up to 255 bytes, 197 letters) work as short ones
# do: after a Qt program's failed create() the holder restores its key files from its anchors,
# `shm-create --remove` exits 0 and a holder stopped by SIGTERM exits 0, leaving nothing. Before,
# from 180 letters on the anchor's name (the key file's name with 18 more bytes) was too long:
# the tools exited 3 for good after Qt's create(), and --remove and every stop exited 1 reporting
# anchors that had never existed ("File name too long") as left behind. (Outside pass 7.)
. "$(dirname "$0")/../support/common.sh"
[ -n "$Q" ] || skip "no Qt peer (QT_PEER_BIN)"
letters=$(printf '%s' "$K" | tr -cd 'A-Za-z' | wc -c)
nothing_left() {
  local left
  left=$(find "$W" -name '*qipc_*')
  [ -z "$left" ] || fail "$1: left behind: $left"
}
for n in 180 190 197; do
  # Qt keeps a key's letters in its key file name: $K's and the k's make n.
  SHM_KEY=$K-$(printf 'k%.0s' $(seq $((n - letters))))
  export SHM_KEY
  start_holder -s 64K || fail "$n letters: holder"
  echo "v$n" | shm-load -q - || fail "$n letters: load"
  ! "$Q" create "$SHM_KEY" 4096 >"$W/qt.out" 2>&1 || fail "$n letters: Qt's create() on a held key succeeded"
  reads_again() { [ "$(shm-read -t 1 2>"$W/read.err")" = "v$n" ]; }
  poll_until 10 reads_again || fail "$n letters: not restored after Qt's create(): $(cat "$W/read.err")"
  run shm-create --remove -t 10
  [ "$RC" = 0 ] || fail "$n letters: --remove: rc=$RC $ERR"
  wait_gone "$HP"
  nothing_left "$n letters: --remove"
  shm-create -q -s 64K 2>"$W/fg.err" & fp=$!
  PIDS+=("$fp")
  wait_until 30 "the $n-letter holder answers" holder_ready
  kill -TERM "$fp"
  wait_rc "$fp"
  [ "$RC" = 0 ] || fail "$n letters: a holder stopped by SIGTERM: rc=$RC $(cat "$W/fg.err")"
  nothing_left "$n letters: SIGTERM"
done
pass "keys of 180, 190 and 197 letters: restored after Qt's failed create(), removed and stopped with exit 0, nothing left"
