#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The "repair second": a second shm-create on a held key, started after a Qt
# program's failed create() (or after RemoveIPC removed the semaphore and someone removed the key
# files) and before the holder restored them, finds the running holder and exits 4 naming it. It
# leaves no semaphore and no key file behind, and the holder restores its own under the same
# System V keys: tools and Qt programs meet it again. The holder is stopped (SIGSTOP) for the gap
# and continued once the second creator has answered (or sleeps, waiting for the repair). Before
# the fix the second creator exited 9 ("ftok collision"), left a semaphore and its key file, and
# the holder could never restore its own.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
sem_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep systemsem)
seg_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep sharedmemory)
done_or_waiting() { gone "$1" || sleeping_in "$1" futex; }
for how in qt removeipc; do
  for kind in plain raw; do
    flags=(-s 64K); [ "$kind" = plain ] || flags=(--raw -s 64K)
    read_flags=(); [ "$kind" = plain ] || read_flags=(--raw)
    start_holder "${flags[@]}" || fail "$how/$kind: holder"
    echo -n "v1" >"$W/in"; shm-load -q "${read_flags[@]}" "$W/in" || fail "$how/$kind: first load"
    sem_key=$(ftok_key "$sem_file"); seg_key=$(ftok_key "$seg_file")
    semid=$(ipcs -s | awk -v key="$sem_key" 'tolower($1) == key { print $2 }')
    kill -STOP "$HP"
    wait_until 10 "the holder is stopped" stopped "$HP"
    if [ "$how" = qt ]; then
      RC=0; "$Q" create "$K" 4096 >"$W/qt.out" 2>"$W/qt.err" || RC=$?
      [ "$RC" = 1 ] || fail "$how/$kind: Qt's create() on a held key: rc=$RC $(cat "$W/qt.err")"
    else
      ipcrm -s "$semid"
      rm -f "$sem_file" "$seg_file"
    fi
    [ ! -e "$sem_file" ] || fail "$how/$kind: the semaphore key file is still there"
    timeout 60 shm-create -d -q -t 20 "${flags[@]}" >"$W/second.out" 2>"$W/second.err" & sp=$!
    PIDS+=("$sp")
    wait_until 30 "the second creator answered or waits" done_or_waiting "$sp"
    if gone "$sp"; then
      # It answered in the gap: nothing of it may be left where the holder restores its own.
      [ ! -e "$sem_file" ] || fail "$how/$kind: the second creator left a semaphore key file (semaphore key $(ftok_key "$sem_file"))"
      if [ "$how" = removeipc ]; then [ ! -e "$seg_file" ] || fail "$how/$kind: the second creator left a segment key file"; fi
    fi
    kill -CONT "$HP"
    wait_rc "$sp"
    [ "$RC" = 4 ] || fail "$how/$kind: second shm-create: rc=$RC (want 4): $(cat "$W/second.err") $(cat "$W/second.out")"
    grep -q "PID $HP" "$W/second.err" || fail "$how/$kind: the refusal does not name the holder (PID $HP): $(cat "$W/second.err")"
    ! grep -q collision "$W/second.err" || fail "$how/$kind: a false ftok collision: $(cat "$W/second.err")"
    meets() {
      [ "$(shm-read "${read_flags[@]}" -t 1 2>/dev/null)" = v1 ] && "$QA" "$K" >/dev/null 2>&1 &&
        [ "$(ftok_key "$sem_file" 2>/dev/null)" = "$sem_key" ] && [ "$(ftok_key "$seg_file" 2>/dev/null)" = "$seg_key" ]
    }
    poll_until 10 meets ||
      fail "$how/$kind: the holder is not reached again: $(shm-read "${read_flags[@]}" -t 1 2>&1); Qt: $("$QA" "$K" 2>&1)"
    echo -n "v2" >"$W/in"; shm-load -q "${read_flags[@]}" "$W/in" || fail "$how/$kind: load after the repair"
    [ "$(shm-read "${read_flags[@]}")" = v2 ] || fail "$how/$kind: read after the repair"
    ipcs -s | awk '{ print tolower($1) }' | grep -qx "$sem_key" || fail "$how/$kind: no semaphore under $sem_key"
    kill "$HP"; wait_gone "$HP"
    left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
    [ -z "$left" ] || fail "$how/$kind: left behind after the holder stopped: $left"
  done
done
pass "a second shm-create in the repair second exits 4 naming the holder and leaves nothing (Qt's failed create(), RemoveIPC; plain and raw)"
