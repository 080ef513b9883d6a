#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 5: two (here 8) adopters of one orphan cannot both win; content kept.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo keep | shm-load -q -
kill -KILL "$HP"; wait_gone "$HP"
for i in $(seq 8); do (rc=0; timeout 60 shm-create -d -q >"$W/o$i" 2>"$W/e$i" || rc=$?; echo $rc >"$W/r$i") & done
wait
w=0; f=0; o=""
for i in $(seq 8); do
  case $(cat "$W/r$i") in
    0) w=$((w + 1)); PIDS+=("$(cat "$W/o$i")") ;;
    4) f=$((f + 1)) ;;
    *) o="$o $(cat "$W/r$i"):$(cat "$W/e$i")" ;;
  esac
done
[ "$(shm-read)" = keep ] || o="$o content-lost"
{ [ $w = 1 ] && [ $f = 7 ] && [ -z "$o" ]; } && pass "1 adopter won, 7 exit 4, content kept" || fail "wins=$w fours=$f$o"
