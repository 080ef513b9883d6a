#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# In a shared sticky TMPDIR (as /tmp), user nobody's `shm-create -k BETA`, whose new segment key
# file lands on the System V key of root's running holder of ALPHA (an ftok collision), makes a
# key file of its own and starts; nobody's load, read and --remove of BETA work, and ALPHA's
# segment, semaphore and content are untouched. Before (outside pass 8, case 6): exit 9,
# "refusing: the segment belongs to another user", for a segment that was never BETA's.
. "$(dirname "$0")/../support/common.sh"
require_nobody
chmod 755 "$W"
cat >"$W/inside.sh" <<'INSIDE'
K=$1
alpha=$K-alpha beta=$K-beta
as_nobody() { runuser -u nobody -- env PATH="$PATH" TMPDIR="$T" "$@"; }
trap 'as_nobody shm-create --remove -q -t 5 -k "$beta" 2>/dev/null || true; shm-create --remove -q -t 5 -k "$alpha" 2>/dev/null || true' EXIT
shm-create -d -q -s 4096 -k "$alpha" >/dev/null || fail "root's holder of ALPHA"
echo alpha-data | shm-load -q -k "$alpha" -
aseg=$(echo "$T"/qipc_sharedmemory_*) asem=$(echo "$T"/qipc_systemsem_*)
shmid=$(shmid_of "$aseg") semid=$(semid_of "$asem")
burn_to_alias "$aseg"
as_nobody shm-create -d -q -s 4096 -k "$beta" >/dev/null 2>"$T.err" || fail "nobody's shm-create -k BETA: $(cat "$T.err")"
bseg=$(ls "$T"/qipc_sharedmemory_* | grep -vxF "$aseg")
[ "$(stat -c %U "$bseg")" = nobody ] || fail "BETA's key file is not nobody's"
[ "$(ftok_of "$bseg")" != "$(ftok_of "$aseg")" ] || fail "BETA's segment key file has ALPHA's System V key"
echo beta-data | as_nobody shm-load -q -k "$beta" -
[ "$(as_nobody shm-read -k "$beta")" = beta-data ] || fail "BETA reads: $(as_nobody shm-read -k "$beta" 2>&1)"
as_nobody shm-create --remove -q -k "$beta" || fail "nobody's --remove of BETA"
[ "$(shmid_of "$aseg")" = "$shmid" ] && [ "$(semid_of "$asem")" = "$semid" ] || fail "ALPHA's objects changed"
[ "$(shm-read -k "$alpha")" = alpha-data ] || fail "ALPHA reads: $(shm-read -k "$alpha" 2>&1)"
echo "nobody's BETA started with a key file of its own; root's ALPHA untouched"
INSIDE
run_with_aliasing_tmpfs "$W/inside.sh" "$K"
