#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The core makes every system call in src/lib/sys/ (src/lib/README.md): protocol/, api/, format/
# and base/ call no function of the global namespace (::madvise, ::fcntl, ::getpid...), where
# the C library's system call wrappers live, so that each call, its errno and its EINTR rule
# are written once, in sys/. System V calls anywhere in src/ are sysv_calls_test.sh's.
# Usage: core_system_calls_test.sh SRC_DIR
set -euo pipefail
src=${1:?usage: core_system_calls_test.sh SRC_DIR}
cd "$src/lib"
# A global-namespace call: "::name(" not preceded by a name (shmtools::x, std::x are qualified
# calls, not global ones); comments are left out.
pattern='(^|[^A-Za-z0-9_>.:])::[a-z_][a-z0-9_]*[[:space:]]*\('
found=$(grep -rnE --include='*.cpp' --include='*.h' "$pattern" protocol api format base |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*)' || true)
if [ -n "$found" ]; then
  echo "system calls in the core outside src/lib/sys (wrap them there):"
  echo "$found" | sed 's/^/  /'
  exit 1
fi
count=$(grep -rhoE "$pattern" sys | wc -l)
[ "$count" -gt 20 ] || { echo "only $count global calls found in src/lib/sys: the pattern is broken"; exit 1; }
echo "core system calls: all $count in src/lib/sys"
