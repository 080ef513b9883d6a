#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: the semaphore under our key belonging to another user -> exit 9, left untouched.
. "$(dirname "$0")/../support/common.sh"
require_nobody
learn_key_file_names
for n in "${NAMES[@]}"; do touch "$W/$n"; chmod 640 "$W/$n"; done; chmod 711 "$W"
semf=$W/$(printf '%s\n' "${NAMES[@]}" | grep systemsem)
id=$(plant "$semf" runuser -u nobody -- "$H" plantsem "$semf" 666) || fail "plant"
run shm-create -d -q -s 4096; r=$RC; e=$ERR; if [ "$r" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
still=no; if ipcs -s | awk '{print $2}' | grep -qx "$id"; then still=yes; fi
{ [ "$r" = 9 ] && [ $still = yes ]; } && pass "rc=9: $e" || fail "rc=$r left=$still: $e"
