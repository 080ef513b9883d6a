#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Correct causes and nothing left behind. Each case runs in an IPC namespace of
# its own (unshare --ipc: kernel.shmmni and kernel.sem are per namespace, nothing machine-wide
# changes, and ipcs there shows only this test's objects) and, for TMPDIR, on a small tmpfs of
# its own (unshare --mount):
#   kernel.shmmni exhausted -> exit 1 naming kernel.shmmni and ENOSPC, not "a smaller -s";
#   kernel.sem SEMMNI or SEMMNS exhausted -> exit 1 naming kernel.sem and the one reached;
#   TMPDIR full -> ENOSPC, read-only -> EROFS, named as such;
#   a refused shm-create (exit 4: key files gone under a live holder) -> no semaphore, no key file.
# Each refused start leaves no semaphore and no key file. On main e9c9e2c: "use a smaller -s" with
# a semaphore and two key files left; "semget: No space left on device" with key files left;
# "No such file or directory" for a full or read-only TMPDIR; exit 4 left a semaphore and key files.
. "$(dirname "$0")/../support/common.sh"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
unshare --ipc --mount true 2>/dev/null || skip "unshare --ipc --mount is not permitted here (needs root or user namespaces)"
bad=""

# inside COMMANDS: runs COMMANDS in a fresh IPC + mount namespace, with the tools and TMPDIR.
inside() { unshare --ipc --mount --propagation private bash -c "set -u; $1"; }
count_sems='ipcs -s | grep -c "^0x" || true'
keyfiles() { find "$1" -maxdepth 1 -name 'qipc_*' -o -maxdepth 1 -name '.qipc_*' | wc -l; }

# kernel.shmmni exhausted.
mkdir "$W/shmmni"
out=$(inside "echo 0 >/proc/sys/kernel/shmmni; TMPDIR=$W/shmmni timeout 30 shm-create -d -q -s 64K -t 2 2>$W/e1; echo rc=\$?; $count_sems")
rc=$(sed -n 's/^rc=//p' <<<"$out"); sems=$(tail -1 <<<"$out")
{ [ "$rc" = 1 ] && grep -q 'kernel.shmmni' "$W/e1" && grep -q ENOSPC "$W/e1" && ! grep -qi smaller "$W/e1" &&
  [ "$(wc -l <"$W/e1")" = 1 ]; } || bad="$bad [shmmni: rc=$rc $(cat "$W/e1")]"
[ "$sems" = 0 ] || bad="$bad [shmmni: $sems semaphore(s) left]"
[ "$(keyfiles "$W/shmmni")" = 0 ] || bad="$bad [shmmni: key files left: $(ls -A "$W/shmmni")]"

# semaphore_limit NAME SEM: kernel.sem set to SEM (in the namespace; a, b, c, d are its fields
# now) makes shm-create -d fail: exit 1, one line naming kernel.sem and NAME, no key file left.
semaphore_limit() {
  local name=$1 sem=$2 rc
  mkdir "$W/$name"
  out=$(inside "read -r a b c d </proc/sys/kernel/sem; echo \"$sem\" >/proc/sys/kernel/sem; TMPDIR=$W/$name timeout 30 shm-create -d -q -s 64K -t 2 2>$W/$name.err; echo rc=\$?")
  rc=$(sed -n 's/^rc=//p' <<<"$out")
  { [ "$rc" = 1 ] && grep -q 'kernel.sem' "$W/$name.err" && grep -q "$name" "$W/$name.err" &&
    [ "$(wc -l <"$W/$name.err")" = 1 ]; } || bad="$bad [$name: rc=$rc $(cat "$W/$name.err")]"
  [ "$(keyfiles "$W/$name")" = 0 ] || bad="$bad [$name: key files left: $(ls -A "$W/$name")]"
}
semaphore_limit SEMMNI '$a $b $c 0' # the sets (its 4th field)
# The semaphores in all (its 2nd field), SEMMNI not: only SEMMNI used to be named.
semaphore_limit SEMMNS '$a 0 $c $d'

# TMPDIR full (a tmpfs with no inode left) and read-only.
mkdir "$W/full" "$W/ro"
out=$(inside "mount -t tmpfs -o size=64k,nr_inodes=1 shm-test-full $W/full && TMPDIR=$W/full timeout 30 shm-create -d -q -s 64K -t 2 2>$W/e3; echo rc=\$?; $count_sems")
rc=$(sed -n 's/^rc=//p' <<<"$out"); sems=$(tail -1 <<<"$out")
{ [ "$rc" != 0 ] && grep -q ENOSPC "$W/e3" && grep -q full "$W/e3" && [ "$(wc -l <"$W/e3")" = 1 ]; } ||
  bad="$bad [full TMPDIR: rc=$rc $(cat "$W/e3")]"
[ "$sems" = 0 ] || bad="$bad [full TMPDIR: $sems semaphore(s) left]"
out=$(inside "mount -t tmpfs -o ro,size=64k shm-test-ro $W/ro && TMPDIR=$W/ro timeout 30 shm-create -d -q -s 64K -t 2 2>$W/e4; echo rc=\$?")
rc=$(sed -n 's/^rc=//p' <<<"$out")
{ [ "$rc" != 0 ] && grep -q EROFS "$W/e4" && grep -q read-only "$W/e4" && [ "$(wc -l <"$W/e4")" = 1 ]; } ||
  bad="$bad [read-only TMPDIR: rc=$rc $(cat "$W/e4")]"

# A refused start (exit 4: the live holder's key files and anchors were moved away) leaves nothing.
mkdir "$W/refused"
out=$(inside "export TMPDIR=$W/refused; hp=\$(timeout 30 shm-create -d -q -s 64K) || exit 1; mkdir $W/refused/moved;
  mv $W/refused/.qipc_* $W/refused/moved/ && mv $W/refused/qipc_* $W/refused/moved/;
  timeout 30 shm-create -d -q -s 64K -t 2 2>$W/e5; echo rc=\$?; $count_sems; kill \$hp")
rc=$(sed -n 's/^rc=//p' <<<"$out"); sems=$(tail -1 <<<"$out")
{ [ "$rc" = 4 ] && [ "$(wc -l <"$W/e5")" = 1 ]; } || bad="$bad [refused: rc=$rc $(cat "$W/e5")]"
[ "$sems" = 1 ] || bad="$bad [refused: $sems semaphores (only the live holder's should exist)]"
[ "$(keyfiles "$W/refused")" = 0 ] || bad="$bad [refused: key files left: $(ls -A "$W/refused")]"

cat "$W"/e[1-5] >&2 # the five messages, for the log
[ -z "$bad" ] && pass "shmmni, SEMMNI, full and read-only TMPDIR named; refused starts leave nothing" || fail "$bad"
