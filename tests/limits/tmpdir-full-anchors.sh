#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# "The holder restores working access within about a second, the same SysV keys" (design.md,
# guarantee 14), in a TMPDIR with few inodes. The anchors, the second hard links a removed key
# file comes back from under its inode (so its System V key), take an inode each on a tmpfs. In a
# tmpfs of our own, in a mount namespace of our own (root only; gone with this test whatever way it
# ends, and unmounted by its cleanup):
#   A. No inode for the anchors at start: the ready line says so; a Qt peer's failed create()
#      removes the semaphore and its key file, which cannot come back under the same key (the
#      inode is gone). The holder says so once (no line every second), the tools exit 3 saying
#      there is no anchor to restore them from, and --remove still stops the holder, which removes
#      everything. Before: the holder said "removed with their anchors, e.g. with TMPDIR itself",
#      then "restored once the key files are" every second, and the tools did not say why.
#   B. Inodes freed later: the holder makes its anchors within about a second and says so; the same
#      Qt peer's failed create() is then repaired under the same keys. Before: never anchored.
#   C. Anchored, but TMPDIR full when the semaphore key file and the semaphore are removed: the
#      holder says once that it cannot restore them and retries; once an inode is free again it
#      restores both under the same keys.
if [ -z "${SHM_IN_MOUNT_NAMESPACE:-}" ]; then
  case=$(basename "$0" .sh)
  [ "$(id -u)" = 0 ] || { echo "SKIP $case: needs root to mount a tmpfs"; exit 77; }
  command -v unshare >/dev/null || { echo "SKIP $case: needs unshare (util-linux)"; exit 77; }
  unshare --mount true 2>/dev/null || { echo "SKIP $case: unshare --mount is not permitted here"; exit 77; }
  SHM_IN_MOUNT_NAMESPACE=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/../support/common.sh"
[ -n "$Q" ] || skip "no Qt peer (QT_PEER_BIN)"

MOUNTS=()
# small_tmpdir NAME INODES: a tmpfs of INODES inodes (its root takes one) at $W/NAME; sets T.
small_tmpdir() {
  T=$W/$1
  mkdir "$T"
  mount -t tmpfs -o "size=256k,nr_inodes=$2" "shm-test-$1" "$T" || skip "cannot mount a tmpfs of $2 inodes"
  MOUNTS+=("$T")
}
# unmount_all: the cleanup's first step: the holders stop (removing what they made; what a killed
# one leaves is removed through its key files), then the tmpfs go.
unmount_all() {
  local mount file key
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do poll_until 5 gone "$pid" || kill -KILL "$pid" 2>/dev/null; done
  for mount in "${MOUNTS[@]}"; do
    for file in "$mount"/qipc_*; do
      [ -e "$file" ] || continue
      key=$(ftok_key "$file") || continue
      ipcrm -M "$key" 2>/dev/null; ipcrm -S "$key" 2>/dev/null
    done
    umount "$mount" 2>/dev/null || umount -l "$mount"
  done
}
CLEANUPS+=(unmount_all)

# holder IN: a foreground holder for $K in TMPDIR $T, its stderr in $W/IN.err; sets HP.
holder() {
  TMPDIR=$T shm-create -s 64K >/dev/null 2>"$W/$1.err" & HP=$!
  PIDS+=("$HP")
  wait_until 30 "the holder in $1 is ready" has_line "$W/$1.err" ready
}
# said ERR TEXT: the holder's stderr holds TEXT.
said() { grep -qF -- "$2" "$1"; }
times_said() { grep -cF -- "$2" "$1" || true; }
key_file() { ls "$T"/qipc_"$1"* 2>/dev/null; }
semaphore_under() { ipcs -s | awk '{ print tolower($1) }' | grep -qx "$1"; }
tools_reach() {
  [ "$(TMPDIR=$T shm-read -t 1 2>/dev/null)" = "$1" ]
}
# stop_holder: SIGTERM, exit 0, nothing left in TMPDIR nor under the segment's key.
stop_holder() {
  local what=$1 segment_key=$2
  kill -TERM "$HP"; wait_rc "$HP"
  [ "$RC" = 0 ] || fail "$what: the holder exited $RC"
  [ -z "$(ls -A "$T" | grep -v '^filler' || true)" ] || fail "$what: left in TMPDIR: $(ls -A "$T")"
  ! ipcs -m | awk '{ print tolower($1) }' | grep -qx "$segment_key" || fail "$what: the segment is left"
}

# A. A TMPDIR of 3 inodes: its root and the two key files; none for an anchor.
small_tmpdir none 3
holder none
said "$W/none.err" "cannot be restored until it can anchor them" || fail "A: the ready line is silent: $(cat "$W/none.err")"
said "$W/none.err" ENOSPC || fail "A: the ready line does not say why: $(cat "$W/none.err")"
segment_key=$(ftok_key "$(key_file sharedmemory)")
RC=0; TMPDIR=$T "$Q" create "$K" 1 >/dev/null 2>"$W/qt-a.err" || RC=$?
[ "$RC" = 1 ] || fail "A: Qt's create() on a held key was expected to fail (rc=$RC: $(cat "$W/qt-a.err"))"
[ -z "$(key_file systemsem)" ] || fail "A: the Qt peer left the semaphore key file: expected it removed"
wait_until 10 "A: the holder says the key files cannot come back" \
  said "$W/none.err" "were removed or replaced before they could be anchored"
said "$W/none.err" "cannot come back under the same System V key" || fail "A: $(cat "$W/none.err")"
RC=0; echo v | TMPDIR=$T shm-load -q -t 2 - 2>"$W/load-a.err" || RC=$?
[ "$RC" = 3 ] || fail "A: a load without the semaphore key file: rc=$RC $(cat "$W/load-a.err")"
grep -qF "no anchor" "$W/load-a.err" || fail "A: the load does not say why: $(cat "$W/load-a.err")"
# Not a line every second: within 3 s (three housekeeping rounds) nothing more is said.
lines=$(wc -l <"$W/none.err")
if poll_until 3 lines_at_least "$W/none.err" $((lines + 1)); then
  fail "A: the holder goes on about it: $(cat "$W/none.err")"
fi
[ "$(times_said "$W/none.err" "its semaphore was removed as well")" = 1 ] || fail "A: $(cat "$W/none.err")"
TMPDIR=$T shm-create -q --remove -k "$K" || fail "A: --remove did not stop the holder"
wait_rc "$HP"
[ -z "$(ls -A "$T")" ] || fail "A: left in TMPDIR: $(ls -A "$T")"
! ipcs -m | awk '{ print tolower($1) }' | grep -qx "$segment_key" || fail "A: the segment is left"

# B. 5 inodes, 2 taken by fillers at start: no anchor; the fillers go, the anchors come.
small_tmpdir later 5
touch "$T/filler1" "$T/filler2"
holder later
said "$W/later.err" "cannot be restored until it can anchor them" || fail "B: $(cat "$W/later.err")"
rm "$T/filler1" "$T/filler2"
wait_until 10 "B: the holder has made its anchors" said "$W/later.err" "have their anchors now"
[ "$(ls -A "$T" | grep -c 'shm-tools-anchor$')" = 2 ] || fail "B: anchors: $(ls -A "$T")"
echo -n one | TMPDIR=$T shm-load -q - || fail "B: load"
segment_key=$(ftok_key "$(key_file sharedmemory)")
semaphore_key=$(ftok_key "$(key_file systemsem)")
RC=0; TMPDIR=$T "$Q" create "$K" 1 >/dev/null 2>"$W/qt-b.err" || RC=$?
[ "$RC" = 1 ] || fail "B: Qt's create() on a held key was expected to fail (rc=$RC: $(cat "$W/qt-b.err"))"
wait_until 10 "B: the tools reach the segment again" tools_reach one
[ "$(ftok_key "$(key_file systemsem)")" = "$semaphore_key" ] || fail "B: the semaphore key file has another key"
semaphore_under "$semaphore_key" || fail "B: no semaphore under $semaphore_key"

# C. Full again (5 of 5: root, key files, anchors). The semaphore key file and the semaphore are
# removed while the holder is stopped, and a filler takes the inode freed: it cannot restore them.
kill -STOP "$HP"
wait_until 10 "the holder is stopped" stopped "$HP"
rm "$(key_file systemsem)"
ipcrm -S "$semaphore_key"
touch "$T/filler3"
kill -CONT "$HP"
wait_until 10 "C: the holder says it cannot restore them" said "$W/later.err" "cannot be restored ("
said "$W/later.err" "No space left on device" || fail "C: not said why: $(cat "$W/later.err")"
run env TMPDIR="$T" shm-read -t 1
[ "$RC" = 3 ] || fail "C: a read while they cannot be restored: rc=$RC $ERR"
rm "$T/filler3"
wait_until 10 "C: the holder says the key files are back" said "$W/later.err" "are back"
wait_until 10 "C: the tools reach the segment again" tools_reach one
[ "$(ftok_key "$(key_file systemsem)")" = "$semaphore_key" ] || fail "C: the semaphore key file has another key"
semaphore_under "$semaphore_key" || fail "C: no semaphore under $semaphore_key"
[ "$(times_said "$W/later.err" "cannot be restored (")" = 1 ] || fail "C: said more than once: $(cat "$W/later.err")"
stop_holder C "$segment_key"
pass "anchors retried, and said once what cannot be restored: $(grep -F 'before they could be anchored' "$W/none.err")"
