#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Qt program's failed QSharedMemory(KEY).create() on a held key -- what the
# seed's reader app does when it starts while the key is held -- resets the semaphore, fails with
# "already exists", then removes the semaphore and its key file. The holder restores both (the
# key file from its anchor: the same inode, so the same SysV key) within about a second: the tools
# and Qt programs meet the same segment again. On main e9c9e2c every tool exited 3 from then on.
. "$(dirname "$0")/../support/common.sh"
start_holder --raw -s 10K || fail "raw holder"
echo -n "hello qt" >"$W/in"; shm-load -q --raw "$W/in" || fail "raw load"
learn_key_file_names
sem_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep systemsem)
seg_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep sharedmemory)
sem_key=$(ftok_key "$sem_file")
shmid_now() { ipcs -m | awk -v key="$(ftok_key "$seg_file")" 'tolower($1) == key { print $2 }'; }
shmid=$(shmid_now)
[ -n "$shmid" ] || fail "no segment under the key file's key"
RC=0; "$Q" create "$K" 4096 >"$W/qt.out" 2>"$W/qt.err" || RC=$?
[ "$RC" = 1 ] || fail "Qt's create() on a held key was expected to fail (rc=$RC: $(cat "$W/qt.err"))"
t=$(now_ms)
both_meet() {
  [ "$(shm-read --raw -t 1 2>/dev/null)" = "hello qt" ] && [ "$("$QA" "$K" 2>/dev/null)" = "hello qt|size=10240" ]
}
poll_until 10 both_meet || fail "after 10 s: shm-read: $(shm-read --raw -t 1 2>&1); Qt: $("$QA" "$K" 2>&1)"
el=$(ms "$t")
[ "$(ftok_key "$sem_file")" = "$sem_key" ] || fail "the semaphore key file came back under another key"
ipcs -s | awk '{ print tolower($1) }' | grep -qx "$sem_key" || fail "no semaphore under the original key $sem_key"
[ "$(shmid_now)" = "$shmid" ] || fail "not the same segment"
echo -n "again" >"$W/in2"; shm-load -q --raw "$W/in2" || fail "load after the repair"
[ "$("$QA" "$K" 2>/dev/null)" = "again|size=10240" ] || fail "the Qt program does not see the new load"
kill "$HP"; wait_gone "$HP"
left=$(ls -A "$W" | grep -v '^probe$' | grep -E 'qipc_|anchor' || true)
[ -z "$left" ] || fail "left behind after the holder stopped: $left"
pass "tools and Qt meet segment $shmid again ${el}ms after Qt's failed create()"
