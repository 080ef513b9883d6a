#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The interrupt state (the flag the handlers set, the blocking-call mark, the code that installs
# the handlers) exists once in a tool process: in libshmtools.so.1, which every blocking call of
# the library consults. A tool that linked a copy of its own (the core, or a helper holding state)
# would set one flag while the library waits on the other, and ^C would go unheard. Checked from
# the symbols of the built tools and library. Usage: one_interrupt_state_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: one_interrupt_state_test.sh BUILD_DIR}
state='shmtools::installInterruptHandlers\(\)|shmtools::detail::beginBlockingCall\(\)|::g_signal$'
shopt -s nullglob
libraries=("$build"/lib*/libshmtools.so.1.* "$build"/lib/*/libshmtools.so.1.*)
tools=("$build"/src/shm-create "$build"/src/shm-load "$build"/src/shm-read)
((${#libraries[@]} == 1)) || { echo "expected one libshmtools.so.1.* in $build, found ${#libraries[@]}"; exit 1; }
for tool in "${tools[@]}"; do [ -x "$tool" ] || { echo "no $tool: build the tools first"; exit 1; }; done
# The pattern must find the state where it is, or its absence from the tools proves nothing.
found=$(nm -C --defined-only "${libraries[0]}" | awk '{ $1 = $2 = ""; sub(/^  /, ""); print }' | grep -cE "$state" || true)
[ "$found" -eq 3 ] || { echo "found $found of the 3 interrupt-state symbols in ${libraries[0]}: the pattern is broken"; exit 1; }
failures=0
for tool in "${tools[@]}"; do
  copies=$(nm -C --defined-only "$tool" | awk '{ $1 = $2 = ""; sub(/^  /, ""); print }' | grep -E "$state" || true)
  if [ -n "$copies" ]; then
    echo "${tool##*/} defines interrupt state of its own, beside libshmtools.so.1's:"
    echo "$copies" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done
((failures == 0)) || exit 1
echo "interrupt state: once, in ${libraries[0]##*/}; none in ${#tools[@]} tools"
