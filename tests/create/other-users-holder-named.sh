#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Root, against another user's live holder, was told of its key file "remove
# it or use another key": risky advice, as that cuts the live holder off. Now the refusal (exit
# 9) names the owner by name, and advises another key or removal by that owner.
. "$(dirname "$0")/../support/common.sh"
require_nobody
chmod 755 "$W"; mkdir "$W/shared"; chown nobody "$W/shared"
np=$(runuser -u nobody -- env PATH="$PATH" TMPDIR="$W/shared" SHM_KEY="$K" timeout 60 shm-create -d -q -s 4K) ||
  fail "holder as nobody"
PIDS+=("$np")
for tool in "shm-create -d -q -s 4K" "shm-read" "shm-load $W/small"; do
  # shellcheck disable=SC2086 # the tool and its options
  run env TMPDIR="$W/shared" $tool
  [ "$RC" = 9 ] || fail "$tool: expected exit 9, got rc=$RC $ERR"
  [[ $ERR == *"user nobody, uid $(id -u nobody)); it may be another user's live segment: use another key, or have its owner (nobody) remove it, which stops its holder first" ]] ||
    fail "$tool: $ERR"
done
! gone "$np" || fail "nobody's holder stopped"
pass "another user's key file: its owner named, no advice to remove it"
