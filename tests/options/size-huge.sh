#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Robustness: an absurd size (e.g. 1E, 99999999999G) is refused cleanly (2 or 1 with a message),
# not a crash or an overflow.
. "$(dirname "$0")/../support/common.sh"
bad=""
for s in 1E 99999999999G 18446744073709551615 9223372036854775807; do
  run shm-create -d -q -s $s
  if [ "$RC" = 0 ]; then PIDS+=("$(cat "$OUT")"); bad="$bad $s:accepted"; continue; fi
  { { [ "$RC" = 2 ] || [ "$RC" = 1 ]; } && [ -n "$ERR" ]; } || bad="$bad $s:rc=$RC'$ERR'"
done
[ -z "$bad" ] && pass "refused" || fail "$bad"
