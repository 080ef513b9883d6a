#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The suite leaves nothing behind. Run as the ctest fixture shm_leaks (tests/CMakeLists.txt),
# whatever the selection (-L, -R) and -j: `snapshot` before the first case notes the System V
# objects there are; `check` after the last one lists, and fails on, what the cases left:
# - key files and anchors (.qipc_*.shm-tools-anchor) in /tmp whose names carry MARKER, the
#   letters naming this build in the Catch2 cases' keys (support/segment_support.cpp
#   uniqueKey), and any in the shell cases' scratch directories (each case's cleanup removes
#   its TMPDIR);
# - segments and semaphores made since the snapshot and still there a few seconds after the
#   last case: a case that removed a key file (or let a holder die) and then could not find the
#   objects by key any more. Only the time says which run made them: while another test run
#   (ctest, scripts/bench.sh) shares the machine, they are listed as a warning, not a failure.
# Usage: leak_check.sh snapshot|check STATE_DIR MARKER TESTS_BINARY_DIR
set -euo pipefail
usage="usage: leak_check.sh snapshot|check STATE_DIR MARKER TESTS_BINARY_DIR"
mode=${1:?$usage} state=${2:?$usage} marker=${3:?$usage} tests=${4:?$usage}
before=$state/ipc-before

# ipc_objects: "segment|semaphore ID KEY", one a line, sorted.
ipc_objects() {
  {
    ipcs -m | awk '$1 ~ /^0x/ { print "segment", $2, $1 }'
    ipcs -s | awk '$1 ~ /^0x/ { print "semaphore", $2, $1 }'
  } | LC_ALL=C sort
}

case $mode in
snapshot)
  mkdir -p "$state"
  ipc_objects >"$before"
  echo "noted $(wc -l <"$before") System V objects there before the cases"
  exit 0
  ;;
check) ;;
*)
  echo "$usage" >&2
  exit 2
  ;;
esac
[ -f "$before" ] || { echo "no snapshot in $state: run the fixture's leaks.snapshot first"; exit 1; }

failures=0
files=$({
  find /tmp -maxdepth 1 -name "*qipc_*$marker*" || true
  find "$tests" -path '*/scratch/*' -name '*qipc_*' || true
} 2>/dev/null | LC_ALL=C sort)
if [ -n "$files" ]; then
  echo "key files and anchors left behind ($(wc -l <<<"$files")):"
  while IFS= read -r file; do echo "  $file"; done <<<"$files"
  failures=1
fi

new_objects() { LC_ALL=C comm -13 "$before" <(ipc_objects); }
# A holder that the last case stopped may still be removing its objects.
for _ in $(seq 50); do
  [ -n "$(new_objects)" ] || break
  sleep 0.1
done
objects=$(new_objects)
if [ -n "$objects" ]; then
  # Another test run on this machine (not the ctest running this check) could have made them.
  ours=$$
  while [ "$ours" -gt 1 ] && [ "$(cat "/proc/$ours/comm" 2>/dev/null)" != ctest ]; do
    ours=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$ours/status" 2>/dev/null || echo 1)
  done
  others=$({ pgrep -x ctest || true; pgrep -f '/scripts/bench\.sh' || true; } | { grep -vx "$ours" || true; } | xargs -r)
  if [ -n "$others" ]; then
    echo "WARNING: System V objects made while the cases ran are still there, but another test run" \
      "shares the machine (PIDs $others), so they may be its own:"
  else
    echo "System V objects made while the cases ran and left behind:"
    failures=1
  fi
  while read -r kind id key; do
    if [ "$kind" = segment ]; then
      flag=m when=$(ipcs -m -i "$id" 2>/dev/null | sed -n 's/^change_time=//p')
    else
      flag=s when=$(ipcs -s -i "$id" 2>/dev/null | sed -n 's/^ctime = *\(.*[^ ]\) *$/\1/p')
    fi
    echo "  $kind id $id, key $key, made ${when:-at an unknown time} (ipcrm -$flag $id)"
  done <<<"$objects"
fi
if ((failures)); then
  echo "(find the case: ctest -j1 -L FOLDER, comparing ipcs and ls -a /tmp before and after)"
  exit 1
fi
echo "nothing left behind"
