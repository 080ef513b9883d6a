#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read --list -k KEY` with no segment of KEY printed nothing and exited
# 0, a typo unnoticed. Now: exit 3, one line naming the nearest key that has a segment (as a
# missing key gets everywhere), or that --all lists it under another TMPDIR; nothing on stdout.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
run shm-read --list -k "${K}x"
[ "$RC" = 3 ] || fail "typo: expected exit 3, got rc=$RC $ERR"
[ ! -s "$OUT" ] || fail "typo: printed: $(cat "$OUT")"
[ "$ERR" = "shm-read: ${K}x: no segment under this key (with TMPDIR $TMPDIR); did you mean -k $K? ('shm-read --list' shows your segments)" ] ||
  fail "typo: $ERR"
run shm-read --list --json -k "${K}x"
[ "$RC" = 3 ] && [ ! -s "$OUT" ] || fail "--json typo: rc=$RC $ERR"
run shm-read --list -k "$K"
[ "$RC" = 0 ] && grep -q "alive .* $K\$" "$OUT" || fail "the key itself: rc=$RC $ERR $(cat "$OUT")"
# Under another TMPDIR: --all is named.
mkdir "$W/other"
run env TMPDIR="$W/other" shm-read --list -k "$K"
[ "$RC" = 3 ] && [[ $ERR == *"'shm-read --list --all -k $K' lists it under other TMPDIRs" ]] || fail "other TMPDIR: rc=$RC $ERR"
run env TMPDIR="$W/other" shm-read --list --all -k "$K"
[ "$RC" = 0 ] && grep -q "$K" "$OUT" || fail "--all: rc=$RC $ERR"
pass "--list -k with no match: exit 3 and a near key"
