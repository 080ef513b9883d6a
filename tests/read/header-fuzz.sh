#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 12: random header scribbles -> tools exit with a documented code (0,3,7,8,9), never
# crash; the holder survives.
. "$(dirname "$0")/../support/common.sh"
shm-create -s 64K --watch 2>"$W/watch" & HP=$!; PIDS+=("$HP")
wait_until 30 "the --watch holder is ready" holder_ready
echo v | shm-load -q -; shmid=$(jget shmid)
bad=""
for _ in $(seq 40); do
  off=$((RANDOM % 4096)); "$H" poke "$shmid" $off $((RANDOM % 256)) 2>/dev/null || true
  r=0; timeout 30 shm-read -t 1 >/dev/null 2>>"$W/e" || r=$?
  case $r in 0 | 3 | 7 | 8 | 9) ;; *) bad="$bad read@$off:$r" ;; esac
  r=0; echo x | timeout 30 shm-load -q -t 1 - 2>>"$W/e" || r=$?
  case $r in 0 | 3 | 7 | 8 | 9) ;; *) bad="$bad load@$off:$r" ;; esac
  r=0; timeout 30 shm-read --json -t 1 >/dev/null 2>>"$W/e" || r=$?
  case $r in 0 | 3 | 7 | 8 | 9) ;; *) bad="$bad json@$off:$r" ;; esac
  if gone "$HP"; then bad="$bad holder-died@$off"; break; fi
done
[ -z "$bad" ] && pass "40 scribbles, $(cut -c1-60 "$W/e" | sort -u | wc -l) distinct messages" || fail "$bad"
