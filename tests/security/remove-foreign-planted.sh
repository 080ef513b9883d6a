#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-create --remove refuses a segment that another user planted under our System V key
# (exit 9, naming it) and leaves it untouched, as creating and reading do (case 18).
. "$(dirname "$0")/../support/common.sh"
require_nobody
plant_foreign_segment; id=$PLANTED
run shm-create --remove
still=no; if ipcs -m | awk '{print $2}' | grep -qx "$id"; then still=yes; fi
if [ "$RC" = 9 ] && [ $still = yes ] && [[ $ERR == "shm-create: $K:"* ]] && [ "$(wc -l <"$W/err")" = 1 ]; then
  pass "rc=9 ($ERR); planted segment $id left"
fi
fail "rc=$RC '$ERR' left=$still"
