#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read --list --all` did not pad its TMPDIR column, so the
# KEY column moved with the length of each directory. Now every row's key starts in the column
# of the header's KEY.
. "$(dirname "$0")/../support/common.sh"
short=$W/a long=$W/a-much-longer-directory-name
mkdir "$short" "$long"
for dir in "$short" "$long"; do
  pid=$(TMPDIR=$dir timeout 60 shm-create -d -q -s 4K -k "$K-${dir##*/}") || fail "holder in $dir"
  PIDS+=("$pid")
done
run shm-read --list --all
[ "$RC" = 0 ] || fail "--list --all: rc=$RC $ERR"
header=$(head -n 1 "$OUT")
[[ $header == *KEY ]] || fail "no KEY column: $header"
column=${#header}
column=$((column - 3))
for name in a a-much-longer-directory-name; do
  row=$(grep -F " $K-$name" "$OUT") || fail "no row for $K-$name: $(cat "$OUT")"
  before=${row%%"$K-$name"*}
  [ "${#before}" = "$column" ] || fail "the key of $K-$name starts at column ${#before}, KEY at $column:
$(cat "$OUT")"
done
pass "the keys line up under KEY, whatever the length of their TMPDIR"
