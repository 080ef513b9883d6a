#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 6: 100 concurrent shm-read all succeed.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4M || fail "holder"
head -c 3000000 /dev/urandom >"$W/in"; shm-load -q "$W/in"
for i in $(seq 100); do
  (set +e; shm-read -t 120 2>"$W/e$i" | cmp -s - "$W/in"; echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}" >"$W/r$i") &
done
wait
bad=$(cat "$W"/r* | grep -vc '^0 0$' || true)
[ "$bad" = 0 ] && pass "100/100 readers exit 0 with identical content" || fail "$bad readers failed: $(cat "$W"/r* | sort | uniq -c | tr '\n' ' ') $(cat "$W"/e* | sort -u | head -2)"
