#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: control characters / invalid UTF-8 in keys are escaped in every human-readable line
# (status, errors, --info); --json stays valid JSON.
. "$(dirname "$0")/../support/common.sh"
KK=$'ev\nil\e[31m\xff\xc2\x85x'"-$SHM_ADVERSARIAL_RUN"; export SHM_KEY="$KK"
KKE='ev\nil\x1b[31m\xff\u0085x'
if shm-create -d -s 64K >"$W/pid" 2>"$W/e1"; then PIDS+=("$(cat "$W/pid")"); fi
echo v | shm-load - 2>"$W/e2" || true
shm-read --info >"$W/info" 2>&1 || true
shm-read -k "$KK-missing" 2>"$W/e3" || true
bad=""
for f in e1 e2 e3 info; do
  if grep -q $'\e' "$W/$f"; then bad="$bad $f:raw-ESC"; fi
  if LC_ALL=C grep -q $'\xff' "$W/$f"; then bad="$bad $f:raw-xff"; fi
  if LC_ALL=C grep -q $'\xc2\x85' "$W/$f"; then bad="$bad $f:raw-U+0085"; fi
done
for f in e1 e2 e3; do [ "$(wc -l <"$W/$f")" = 1 ] || bad="$bad $f:lines=$(wc -l <"$W/$f")"; done
grep -qF "$KKE" "$W/e1" || bad="$bad e1-not-escaped-as-documented:$(cat -v "$W/e1")"
shm-read --json | "$JSON_FIELD" || bad="$bad json-invalid"
[ -z "$bad" ] && pass "escaped: $(cat "$W/e1")" || fail "$bad"
