#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Qt program that attaches in the moment after RemoveIPC (here ipcrm) removed
# the semaphore, before the holder restored it, makes a semaphore of its own under the key, then
# removes it and the semaphore's key file when it detaches. The holder still restores both within
# about a second (the key file from its anchor, so the same SysV key): tools and Qt programs meet
# the same segment again. On main e9c9e2c the key file was gone for good and every tool exited 3.
. "$(dirname "$0")/../support/common.sh"
start_holder --raw -s 10K || fail "raw holder"
echo -n "hello qt" >"$W/in"; shm-load -q --raw "$W/in" || fail "raw load"
semid=$(ipcs -s | awk -v key="$(ftok_key "$(ls "$W"/qipc_systemsem_*)")" 'tolower($1) == key { print $2 }')
[ -n "$semid" ] || fail "no semaphore found under the key"
ipcrm -s "$semid"
"$QA" "$K" >"$W/qa.out" 2>&1 || true # in the gap: Qt makes and removes a semaphore and its key file
t=$(now_ms)
both_meet() {
  [ "$(shm-read --raw -t 1 2>/dev/null)" = "hello qt" ] && [ "$("$QA" "$K" 2>/dev/null)" = "hello qt|size=10240" ]
}
poll_until 10 both_meet || fail "after 10 s: shm-read: $(shm-read --raw -t 1 2>&1); Qt: $("$QA" "$K" 2>&1) (in the gap Qt said: $(cat "$W/qa.out"))"
el=$(ms "$t")
echo -n "again" >"$W/in2"; shm-load -q --raw "$W/in2" || fail "load after the repair"
[ "$("$QA" "$K" 2>/dev/null)" = "again|size=10240" ] || fail "the Qt program does not see the new load"
pass "tools and Qt meet the segment again ${el}ms after a Qt attach in the RemoveIPC gap (Qt said: $(cat "$W/qa.out"))"
