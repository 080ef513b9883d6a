#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --remove -k TYPO` said "nothing to remove" without the near-key
# hint shm-read and shm-load give: now the same hint, exit 3, and the holder is untouched.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
run shm-create --remove -k "${K}x"
[ "$RC" = 3 ] || fail "expected exit 3, got rc=$RC $ERR"
[[ $ERR == "shm-create: ${K}x: nothing to remove: "*"; did you mean -k $K? ('shm-read --list' shows your segments)" ]] ||
  fail "no near key: $ERR"
run shm-create --remove "zz-$K-far"
[ "$RC" = 3 ] && [[ $ERR == *"nothing to remove: "*"; 'shm-read --list' shows your segments" ]] || fail "far key: rc=$RC $ERR"
! gone "$HP" || fail "the holder stopped"
pass "--remove of a mistyped key names the near one"
