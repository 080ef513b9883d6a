#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Qt program holding key GAMMA (its segment and semaphore) whose System V keys a shm-tools key
# BETA's key files meet (an ftok collision): `shm-create -k BETA` makes key files of its own and
# starts, and neither it nor its --remove touches GAMMA's segment or semaphore; the Qt program
# still reads its text under its lock. Round 1: the segment key file the start makes lands on
# GAMMA's segment. Round 2: a stale semaphore key file of BETA's has GAMMA's semaphore key. Before
# (outside pass 8, cases 3, 4 and 5): round 1 exited 4 "held by another program" and left a
# semaphore and key files behind; round 2 took GAMMA's semaphore as BETA's lock and removed it.
. "$(dirname "$0")/../support/common.sh"
[ -n "$Q" ] || fail "QT_PEER_BIN is not set"
cat >"$W/inside.sh" <<'INSIDE'
K=$1 Q=$2
gamma=$K-gamma beta=$K-beta
"$Q" create "$gamma" 4096 hello-gamma >"$T.qt" 2>&1 & qt=$!
trap 'shm-create --remove -q -t 5 -k "$beta" 2>/dev/null || true; kill "$qt" 2>/dev/null; wait "$qt" || true' EXIT
for _ in $(seq 1500); do grep -q ready "$T.qt" && break; sleep 0.02; done
grep -q ready "$T.qt" || fail "the Qt program did not start: $(cat "$T.qt")"
gseg=$(echo "$T"/qipc_sharedmemory_*) gsem=$(echo "$T"/qipc_systemsem_*)
shmid=$(shmid_of "$gseg") semid=$(semid_of "$gsem")
[ -n "$shmid" ] && [ -n "$semid" ] || fail "no segment or semaphore under the Qt program's key files"
gamma_untouched() {
  [ "$(shmid_of "$gseg")" = "$shmid" ] || fail "$1: GAMMA's segment $shmid is gone"
  [ "$(semid_of "$gsem")" = "$semid" ] || fail "$1: GAMMA's semaphore $semid is gone"
  [ "$("$Q" read "$gamma")" = hello-gamma ] || fail "$1: the Qt program's key reads: $("$Q" read "$gamma" 2>&1)"
}
beta_serves() {
  shm-create -d -q -s 4096 -k "$beta" >/dev/null 2>"$T.err" || fail "$1: shm-create -k BETA: $(cat "$T.err")"
  bseg=$(ls "$T"/qipc_sharedmemory_* | grep -vxF "$gseg") bsem=$(ls "$T"/qipc_systemsem_* | grep -vxF "$gsem")
  [ "$(ftok_of "$bseg")" != "$(ftok_of "$gseg")" ] || fail "$1: BETA's segment key file has GAMMA's System V key"
  [ "$(ftok_of "$bsem")" != "$(ftok_of "$gsem")" ] || fail "$1: BETA's semaphore key file has GAMMA's System V key"
  echo beta-data | shm-load -q -k "$beta" -
  [ "$(shm-read -k "$beta")" = beta-data ] || fail "$1: BETA reads: $(shm-read -k "$beta" 2>&1)"
  shm-create --remove -q -k "$beta" || fail "$1: BETA's --remove"
  [ -z "$(ls "$T" | grep -vxF -e "$(basename "$gseg")" -e "$(basename "$gsem")")" ] || fail "$1: left in TMPDIR: $(ls -A "$T")"
}

# Round 1: the first file BETA's start makes, its segment key file, gets GAMMA's segment's key.
burn_to_alias "$gseg"
beta_serves "round 1"
gamma_untouched "round 1"
# Round 2: BETA's stale key files (names from round 1): its semaphore key file has GAMMA's
# semaphore's key.
: >"$bseg"
alias_file "$bsem" "$gsem"
beta_serves "round 2"
gamma_untouched "round 2"
echo "BETA started with key files of its own both times; GAMMA's segment and semaphore kept"
INSIDE
run_with_aliasing_tmpfs "$W/inside.sh" "$K" "$Q"
