#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README guarantees: a reader gets exactly one complete published version, never a mix or a prefix,
# also on huge pages (shmem_enabled=advise): two loaders alternate three contents (sizes across
# 2 MiB boundaries) while four readers loop for a few seconds; every read is one of the inputs.
# Switches shmem_enabled (restored by the cleanup), so ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/../support/common.sh"
require_thp_switch
thp_set advise
start_holder -s 8M || fail "holder"
head -c $((2 * 1024 * 1024 - 1)) /dev/urandom >"$W/a"
head -c $((6 * 1024 * 1024 + 4097)) /dev/urandom >"$W/b"
head -c 4096 /dev/urandom >"$W/c"
sha256sum <"$W/a" >"$W/valid"; sha256sum <"$W/b" >>"$W/valid"; sha256sum <"$W/c" >>"$W/valid"
shm-load -q "$W/a" || fail "first load"
end=$(($(now_ms) + 4000))
workers=()
for l in 1 2; do
  (
    while [ "$(now_ms)" -lt "$end" ]; do
      for f in a b c; do shm-load -q -t 60 "$W/$f" || echo "loader $l: exit $?" >>"$W/errors"; done
    done
  ) &
  workers+=($!)
done
for r in 1 2 3 4; do
  (
    while [ "$(now_ms)" -lt "$end" ]; do
      if ! shm-read -t 60 >"$W/out$r" 2>"$W/err$r"; then
        echo "reader $r: exit, $(cat "$W/err$r")" >>"$W/errors"
        continue
      fi
      sum=$(sha256sum <"$W/out$r")
      if grep -qxF "$sum" "$W/valid"; then echo >>"$W/reads"; else
        echo "reader $r: torn read of $(stat -c %s "$W/out$r") bytes" >>"$W/errors"
      fi
    done
  ) &
  workers+=($!)
done
PIDS+=("${workers[@]}")
for pid in "${workers[@]}"; do wait "$pid"; done
reads=$(line_count "$W/reads")
[ ! -s "$W/errors" ] || fail "$(sort "$W/errors" | uniq -c | head -5 | tr '\n' ';')"
[ "$reads" -ge 8 ] || fail "only $reads reads completed in 4 s: the race was not exercised"
[ "$(jget readers)" = 0 ] || fail "readers=$(jget readers) after every reader ended"
pass "$reads reads, all complete versions; generation $(jget generation), huge_pages $(jget huge_pages)"
