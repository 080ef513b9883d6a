#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guarantee 8: another user's entry where the holder would keep its second link to a key file
# (.qipc_*.shm-tools-anchor, in a shared sticky TMPDIR) is refused with exit 9 naming it, before
# anything is made: no key file, semaphore or segment is left, and the entry stays.
. "$(dirname "$0")/../support/common.sh"
require_nobody
learn_key_file_names
chmod 1777 "$W"
planted="$W/.${NAMES[1]}.shm-tools-anchor"
runuser -u nobody -- ln -s "$W/victim" "$planted"
run shm-create -d -q -s 4096
if [ "$RC" = 0 ]; then PIDS+=("$(cat "$OUT")"); fi
[ "$RC" = 9 ] || fail "expected exit 9 for another user's anchor; got rc=$RC: $ERR"
[[ $ERR == *"$planted"* ]] || fail "the message does not name $planted: $ERR"
[ -L "$planted" ] || fail "the planted entry was removed"
[ ! -e "$W/victim" ] || fail "the symlink was followed"
left=$(find "$W" -maxdepth 1 -name 'qipc_*' | wc -l)
[ "$left" = 0 ] || fail "key files left behind: $(ls -a "$W")"
pass "rc=9: $ERR"
