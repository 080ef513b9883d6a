#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A FIFO planted as a key file (the segment's or the semaphore's) is refused at
# once with exit 9 naming it; shm-create -t 1 never hangs in open(), and neither does shm-read.
# On main e9c9e2c shm-create blocked for ever in open(O_WRONLY|O_CREAT) of the FIFO.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
bad=""
for planted in "${NAMES[@]}"; do
  mkfifo "$W/$planted"
  for tool in "shm-create -d -q -s 4K -t 1" "shm-read -t 1"; do
    t=$(now_ms)
    RC=0
    # shellcheck disable=SC2086
    timeout 20 $tool >"$W/out" 2>"$W/err" || RC=$?
    el=$(ms "$t")
    [ "$RC" = 0 ] && [ "${tool%% *}" = shm-create ] && PIDS+=("$(cat "$W/out")")
    if [ "${tool%% *}" = shm-create ] || [[ $planted == qipc_sharedmemory_* ]]; then
      { [ "$RC" = 9 ] && grep -q "$planted" "$W/err" && grep -q FIFO "$W/err" && [ "$(wc -l <"$W/err")" = 1 ]; } ||
        bad="$bad [$planted: ${tool%% *} rc=$RC after ${el}ms: $(cat "$W/err")]"
    else
      # shm-read finds no segment key file before it looks at the semaphore's: exit 3, at once.
      [ "$RC" = 3 ] || bad="$bad [$planted: ${tool%% *} rc=$RC after ${el}ms: $(cat "$W/err")]"
    fi
    [ "$el" -lt 10000 ] || bad="$bad [$planted: ${tool%% *} took ${el}ms]"
  done
  [ -p "$W/$planted" ] || bad="$bad [$planted: the FIFO was removed or replaced]"
  rm -f "$W/$planted"
  # What a refused start made (the other key file) is gone again.
  leftovers=$(ls -A "$W" | grep qipc_ || true)
  [ -z "$leftovers" ] || bad="$bad [left behind: $leftovers]"
done
[ -z "$bad" ] && pass "FIFO key files refused at once with exit 9 naming them" || fail "$bad"
