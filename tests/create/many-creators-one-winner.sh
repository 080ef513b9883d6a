#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 5: N shm-create at once -> one winner, others exit 4 naming it.
. "$(dirname "$0")/../support/common.sh"
for i in $(seq 12); do (rc=0; timeout 60 shm-create -d -q -s 64K >"$W/o$i" 2>"$W/e$i" || rc=$?; echo $rc >"$W/r$i") & done
wait
wins=0; fours=0; other=""; w=""
for i in $(seq 12); do
  case $(cat "$W/r$i") in
    0) wins=$((wins + 1)); w=$(cat "$W/o$i"); PIDS+=("$w") ;;
    4) fours=$((fours + 1)) ;;
    *) other="$other $(cat "$W/r$i"):$(cat "$W/e$i")" ;;
  esac
done
for i in $(seq 12); do
  if [ "$(cat "$W/r$i")" = 4 ] && ! grep -q "${w:-x}" "$W/e$i"; then other="$other notnaming:$(cat "$W/e$i")"; fi
done
shm-read >/dev/null 2>&1 || other="$other segment-unusable"
{ [ $wins = 1 ] && [ $fours = 11 ] && [ -z "$other" ]; } && pass "1 winner, 11 exit 4 naming $w" || fail "wins=$wins fours=$fours other=$other"
