#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every System V IPC call of the library and the tools is made in src/lib/sys/ (one wrapper per
# operation, errno read there at once): a raw shmget/shmat/shmdt/shmctl/semget/semop/semtimedop/
# semctl/ftok anywhere else in src/ fails this test, naming the line. Usage: sysv_calls_test.sh SRC_DIR
set -euo pipefail
src=${1:?usage: sysv_calls_test.sh SRC_DIR}
cd "$src"
calls='shmget|shmat|shmdt|shmctl|semget|semop|semtimedop|semctl|ftok'
# A call is the name followed by "(", not part of a longer name (copySegmentStart, m_shmget...);
# comments are left out.
found=$(grep -rnE --include='*.cpp' --include='*.h' "(^|[^A-Za-z0-9_])(::)?($calls)[[:space:]]*\\(" . |
  grep -v '^\./lib/sys/' | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*)' || true)
if [ -n "$found" ]; then
  echo "sysv calls outside src/lib/sys (wrap them there):"
  echo "$found" | sed 's/^/  /'
  exit 1
fi
count=$(grep -rhoE "(^|[^A-Za-z0-9_])(::)?($calls)[[:space:]]*\\(" lib/sys | wc -l)
[ "$count" -gt 0 ] || { echo "no System V call found in lib/sys at all: the pattern is broken"; exit 1; }
echo "sysv calls: all $count in src/lib/sys"
