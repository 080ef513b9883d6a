#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: our own segment opened to others (mode 0666) -> exit 9.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
shmid=$(jget shmid); "$H" mode "$shmid" 666
run shm-read; r=$RC; e=$ERR
run shm-load -q "$W/small"; r2=$RC
{ [ "$r" = 9 ] && [ "$r2" = 9 ]; } && pass "read/load rc=9: $e" || fail "read rc=$r load rc=$r2: $e"
