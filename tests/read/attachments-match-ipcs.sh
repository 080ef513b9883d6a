#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README --json table: attachments is the segment's shm_nattch as `ipcs -m` (/proc/sysvipc/shm)
# shows it, without the reading shm-read's own: for an idle holder the same number as ipcs, and
# the same again after loads and reads (no attachment left behind), two more with two followers
# attached (in --list --json too), with huge pages off and on.
# Where this test may switch shmem_enabled it runs under never and advise (restored by the
# cleanup; ctest runs it alone, RUN_SERIAL), elsewhere under the current setting.
. "$(dirname "$0")/../support/common.sh"
# nattch SHMID: shm_nattch in /proc/sysvipc/shm (and `ipcs -m` agrees where it is installed).
nattch() {
  local proc ipcs_n
  proc=$(awk -v id="$1" '$2 == id { print $7 }' /proc/sysvipc/shm)
  [ -n "$proc" ] || fail "shmid $1 is not in /proc/sysvipc/shm"
  if command -v ipcs >/dev/null; then
    ipcs_n=$(ipcs -m | awk -v id="$1" '$2 == id { print $6 }')
    [ "$ipcs_n" = "$proc" ] || fail "ipcs -m shows nattch $ipcs_n, /proc/sysvipc/shm $proc"
  fi
  echo "$proc"
}
# shellcheck disable=SC2317  # called through wait_until
attached() { [ "$(nattch "$shmid")" = "$1" ]; }
modes=(current)
if thp_switchable; then modes=(never advise); else echo "under the current setting only: $THP_WHY"; fi
head -c 3000000 /dev/urandom >"$W/v"
report=""
for mode in "${modes[@]}"; do
  [ "$mode" = current ] || thp_set "$mode"
  SHM_KEY=$K-$mode
  start_holder -s 8M || fail "$mode: holder"
  shmid=$(jget shmid)
  idle=$(nattch "$shmid")
  attachments=$(jget attachments)
  [ "$attachments" = "$idle" ] || fail "$mode: idle holder: --json attachments $attachments, ipcs nattch $idle"
  for _ in 1 2 3 4 5; do
    shm-load -q "$W/v" || fail "$mode: load"
    shm-read | cmp -s - "$W/v" || fail "$mode: read"
    shm-read --json >/dev/null || fail "$mode: --json"
    shm-read --info >/dev/null || fail "$mode: --info"
  done
  after=$(nattch "$shmid")
  [ "$after" = "$idle" ] || fail "$mode: nattch $idle idle, $after after 5 loads and reads (an attachment left behind)"
  attachments=$(jget attachments)
  [ "$attachments" = "$after" ] || fail "$mode: after loads and reads: --json attachments $attachments, ipcs nattch $after"
  # Two followers attached: two more, in --json and in --list --json alike (one segment listed).
  shm-read --follow >/dev/null &
  PIDS+=($!)
  shm-read --follow >/dev/null &
  PIDS+=($!)
  wait_until 30 "two followers are attached" attached $((idle + 2))
  attachments=$(jget attachments)
  [ "$attachments" = $((idle + 2)) ] || fail "$mode: two followers: --json attachments $attachments, nattch $((idle + 2))"
  listed=$(shm-read --list --json | "$JSON_FIELD" attachments)
  [ "$listed" = $((idle + 2)) ] || fail "$mode: two followers: --list --json attachments $listed, nattch $((idle + 2))"
  kill "${PIDS[-1]}" "${PIDS[-2]}"
  wait_until 30 "the followers are detached" attached "$idle"
  report="$report $mode: nattch $idle = attachments (+2 with two followers), huge_pages $(jget huge_pages);"
  kill "$HP"
  wait_gone "$HP" 30
done
pass "$report"
