#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove where the key files cannot be unlinked (TMPDIR made immutable with
# chattr +i under a running holder): segment and semaphore go, the key files stay. The report
# must say exactly that, with the cause, and exit nonzero; never "removed ... key files".
. "$(dirname "$0")/../support/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for chattr +i"
command -v chattr >/dev/null || skip "no chattr"
# The key files' directory is one of its own: $W itself takes the test's output files.
D=$W/keys
mkdir "$D"
TMPDIR=$D start_holder -s 64K || fail "holder"
shm_key=$(ftok_key "$(ls "$D"/qipc_sharedmemory_*)")
sem_key=$(ftok_key "$(ls "$D"/qipc_systemsem_*)")
CLEANUPS+=("chattr -i '$D' 2>/dev/null")
chattr +i "$D" 2>/dev/null || skip "the file system of $D does not take chattr +i"
TMPDIR=$D run shm-create --remove -t 30
chattr -i "$D"
wait_gone "$HP"
[ "$RC" != 0 ] || fail "rc=0 although the key files remain: $ERR"
[ "$RC" = 1 ] || fail "rc=$RC (expected 1): $ERR"
[ "$(echo "$ERR" | wc -l)" = 1 ] || fail "more than one line: $ERR"
[[ $ERR == "shm-create: $K: "* ]] || fail "message: $ERR"
[[ $ERR == *"removed segment"* && $ERR == *"semaphore"* ]] || fail "does not say what was removed: $ERR"
[[ $ERR == *"$(basename "$(ls "$D"/qipc_sharedmemory_*)")"*"Operation not permitted"* ]] ||
  fail "does not name the key file that remains and why: $ERR"
! ipcs -m -s | grep -q -i -e "$shm_key" -e "$sem_key" || fail "segment or semaphore left"
pass "rc=1: $ERR"
