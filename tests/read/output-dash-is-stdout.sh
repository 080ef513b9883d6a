#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read -o -` is standard output, as in most tools that take -o (no
# file named "-"), and so goes with --info, --json and --follow; `-o ''` is a usage error.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
printf 'dash content\n' | shm-load -q -
cd "$W"
run shm-read -o -
[ "$RC" = 0 ] && [ "$(cat "$OUT")" = "dash content" ] && [ ! -e "$W/-" ] || fail "-o -: rc=$RC out=$(cat "$OUT") file-: $(ls "$W") $ERR"
run shm-read --json -o -
[ "$RC" = 0 ] && grep -q '"generation":1' "$OUT" || fail "--json -o -: rc=$RC $ERR"
run shm-read -o ''
[ "$RC" = 2 ] && [[ $ERR == "shm-read: -o needs a value (FILE), got an empty one; see 'shm-read --help'" ]] || fail "-o '': rc=$RC $ERR"
run shm-read --info -o "$W/file"
[ "$RC" = 2 ] && [[ $ERR == *"--info cannot be used with --output"* ]] || fail "--info -o FILE: rc=$RC $ERR"
[ ! -e "$W/-" ] || fail "a file named - was made"
pass "-o - is stdout; -o '' is exit 2"
