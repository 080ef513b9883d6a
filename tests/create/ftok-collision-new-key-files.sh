#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A holder whose new key file lands on another key's System V key (ftok keeps 16 bits of the
# inode: in a busy TMPDIR two keys' files meet) replaces it with another file and starts, and
# the other key's segment and semaphore are left alone. Made deterministic on a tmpfs of the
# test's own (a mount namespace), which numbers its inodes in sequence: files are made until the
# next inode agrees with holder B's key file's in those 16 bits, then holder A starts. Round 1 aims at B's
# segment key file, round 2 at its semaphore key file. Before: round 1's start exited 9 ("an ftok
# collision"); in round 2, A shared B's semaphore and removed it when it stopped.
. "$(dirname "$0")/../support/common.sh"
[ -n "$QA" ] || fail "QT_ATTACH_PEER_BIN is not set"
cat >"$W/inside.sh" <<'INSIDE'
K=$1 QA=$2
trap 'for k in "$K-a" "$K-b"; do shm-create --remove -q -t 5 -k "$k" 2>/dev/null || true; done' EXIT

shm-create -d -q -s 4096 -k "$K-b" >/dev/null || fail "holder B"
echo "B's data" | shm-load -q -k "$K-b" -
bseg=$(echo "$T"/qipc_sharedmemory_*) bsem=$(echo "$T"/qipc_systemsem_*)
bsemid=$(semid_of "$bsem")
[ -n "$bsemid" ] || fail "no semaphore under B's semaphore key file"

# Round 1: A's segment key file would agree with B's segment key file in the inode's 16 bits.
burn_to_alias "$bseg"
shm-create -d -q -s 4096 -k "$K-a" >/dev/null 2>"$T.a.err" || fail "holder A did not start: $(cat "$T.a.err")"
aseg=$(ls "$T"/qipc_sharedmemory_* | grep -vxF "$bseg")
[ "$(ino "$aseg")" != "$ALIAS" ] || fail "A's segment key file was not replaced"
[ "$(ftok_of "$aseg")" != "$(ftok_of "$bseg")" ] || fail "A's segment key file has B's System V key"
echo "A's data" | shm-load -q -k "$K-a" -
[ "$(shm-read -k "$K-a")" = "A's data" ] || fail "A reads: $(shm-read -k "$K-a" 2>&1)"
[ "$(shm-read -k "$K-b")" = "B's data" ] || fail "B reads: $(shm-read -k "$K-b" 2>&1)"
"$QA" "$K-a" >/dev/null || fail "a Qt program does not attach to A"
shm-create --remove -q -k "$K-a" || fail "A's --remove"

# Round 2: A's segment key file is there already (made by hand), so the one file A makes is its
# semaphore key file, which would agree with B's semaphore key file in those 16 bits.
touch "$aseg"
burn_to_alias "$bsem"
shm-create -d -q -s 4096 -k "$K-a" >/dev/null 2>"$T.a.err" || fail "holder A (round 2) did not start: $(cat "$T.a.err")"
asem=$(ls "$T"/qipc_systemsem_* | grep -vxF "$bsem")
[ "$(ftok_of "$asem")" != "$(ftok_of "$bsem")" ] || fail "A's semaphore key file has B's System V key"
echo "A's data" | shm-load -q -k "$K-a" -
shm-create --remove -q -k "$K-a" || fail "A's --remove (round 2)"
[ "$(semid_of "$bsem")" = "$bsemid" ] || fail "B's semaphore was removed with A ($bsemid, now '$(semid_of "$bsem")')"
[ "$(shm-read -k "$K-b")" = "B's data" ] || fail "B reads after round 2: $(shm-read -k "$K-b" 2>&1)"
echo "both rounds: A started with key files of its own, B untouched"
INSIDE
run_with_aliasing_tmpfs "$W/inside.sh" "$K" "$QA"
