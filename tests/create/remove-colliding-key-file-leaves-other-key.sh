#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --remove -k BETA`, where BETA has no holder but stale key files whose System V keys
# are another key's (ALPHA's, an ftok collision: its segment key file, its semaphore key file,
# or both), removes BETA's key files and leaves ALPHA's holder, segment and semaphore alone,
# ALPHA live or an orphan (kept with its content, adoptable). Before (outside pass 8, cases 1
# and 2): it stopped ALPHA's live holder as BETA's, and removed ALPHA's semaphore as BETA's.
# Made deterministic on a tmpfs of the test's own (support/ftok_alias.sh), in an IPC namespace
# of its own.
. "$(dirname "$0")/../support/common.sh"
cat >"$W/inside.sh" <<'INSIDE'
K=$1
alpha=$K-alpha beta=$K-beta
trap 'for k in "$alpha" "$beta"; do shm-create --remove -q -t 5 -k "$k" 2>/dev/null || true; done' EXIT
# BETA's key file names, from a holder started and stopped once.
shm-create -d -q -s 4096 -k "$beta" >/dev/null || fail "probe holder"
bseg=$(echo "$T"/qipc_sharedmemory_*) bsem=$(echo "$T"/qipc_systemsem_*)
shm-create --remove -q -k "$beta" || fail "probe holder's --remove"
for how in segment semaphore both; do
  for state in live orphan; do
    a=$(shm-create -d -q -s 4096 -k "$alpha") || fail "$how/$state: holder ALPHA"
    echo alpha-data | shm-load -q -k "$alpha" -
    aseg=$(echo "$T"/qipc_sharedmemory_*) asem=$(echo "$T"/qipc_systemsem_*)
    case $how in
      segment) alias_file "$bseg" "$aseg"; : >"$bsem" ;;
      semaphore) : >"$bseg"; alias_file "$bsem" "$asem" ;;
      both) alias_file "$bseg" "$aseg"; alias_file "$bsem" "$asem" ;;
    esac
    shmid=$(shmid_of "$aseg") semid=$(semid_of "$asem")
    if [ "$state" = orphan ]; then
      kill -KILL "$a"
      while kill -0 "$a" 2>/dev/null; do sleep 0.02; done
    fi
    rc=0; shm-create --remove -k "$beta" -t 3 2>"$T.err" || rc=$?
    [ "$rc" = 0 ] || fail "$how/$state: --remove -k BETA: rc=$rc $(cat "$T.err")"
    [ ! -e "$bseg" ] && [ ! -e "$bsem" ] || fail "$how/$state: BETA's key files are still there"
    [ "$(shmid_of "$aseg")" = "$shmid" ] || fail "$how/$state: ALPHA's segment $shmid is gone"
    [ "$(semid_of "$asem")" = "$semid" ] || fail "$how/$state: ALPHA's semaphore $semid is gone"
    if [ "$state" = live ]; then
      kill -0 "$a" 2>/dev/null || fail "$how/$state: ALPHA's holder was stopped"
    else
      a=$(shm-create -d -q -k "$alpha") || fail "$how/$state: ALPHA's orphan is not adopted"
    fi
    [ "$(shm-read -k "$alpha")" = alpha-data ] || fail "$how/$state: ALPHA reads: $(shm-read -k "$alpha" 2>&1)"
    shm-create --remove -q -k "$alpha" || fail "$how/$state: ALPHA's --remove"
  done
done
[ -z "$(ipcs -m -s | grep '^0x')" ] || fail "left behind: $(ipcs -m -s | grep '^0x')"
echo "BETA's stale key files removed, ALPHA's objects kept (3 ways of colliding, live and orphan)"
INSIDE
run_with_aliasing_tmpfs "$W/inside.sh" "$K"
