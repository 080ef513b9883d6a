#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: shm-load and shm-read are binary-safe up to the capacity, also on huge pages
# (shmem_enabled=advise): versions of 0, 1, 4095, 4096, 4097, 2 MiB-1, 2 MiB, 2 MiB+1 bytes and the
# capacity (not a multiple of 2 MiB) read back byte for byte with their length; capacity+1 is
# refused with exit 6 and the previous version stays. Switches shmem_enabled (restored by the
# cleanup), so ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/../support/common.sh"
require_thp_switch
thp_set advise
cap=$((6 * 1024 * 1024 + 12345))
start_holder -s "$cap" || fail "holder"
huge=""
for n in 0 1 4095 4096 4097 $((2 * 1024 * 1024 - 1)) $((2 * 1024 * 1024)) $((2 * 1024 * 1024 + 1)) "$cap"; do
  head -c "$n" /dev/urandom >"$W/in"
  shm-load -q "$W/in" || fail "loading $n bytes: exit $?"
  shm-read >"$W/out" || fail "reading the $n-byte version: exit $?"
  cmp -s "$W/in" "$W/out" || fail "the $n-byte version reads back as $(stat -c %s "$W/out") different bytes"
  length=$(jget length)
  [ "$length" = "$n" ] || fail "--json length $length for a $n-byte version"
  huge="$huge $n:$(jget huge_pages)"
done
generation=$(jget generation)
head -c $((cap + 1)) /dev/urandom >"$W/big"
run shm-load -q "$W/big"
[ "$RC" = 6 ] || fail "loading capacity+1 bytes: exit $RC, want 6 ($ERR)"
shm-read >"$W/out" || fail "reading after the refused load: exit $?"
cmp -s "$W/in" "$W/out" || fail "the previous version did not stay after the refused load"
[ "$(jget generation)" = "$generation" ] || fail "the refused load changed the generation"
pass "0..capacity byte for byte under advise (huge_pages per size:$huge); capacity+1 -> exit 6, previous kept"
