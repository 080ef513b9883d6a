#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README exit 5: input missing, a directory, no permission; one line naming tool and file.
. "$(dirname "$0")/../support/common.sh"
require_nobody
start_holder -s 64K || fail "holder"
bad=""
run shm-load "$W/missing"; { [ "$RC" = 5 ] && echo "$ERR" | grep -q "^shm-load: .*missing"; } || bad="$bad missing:$RC:$ERR"
run shm-load "$W"; [ "$RC" = 5 ] || bad="$bad dir:$RC:$ERR"
# No permission: nobody loads a file only root may read, into a segment of nobody's own (into
# ours it would be refused first, exit 9: key files of another user).
chmod 755 "$W"; mkdir "$W/nobody"; chown nobody "$W/nobody"
as_nobody=(runuser -u nobody -- env PATH="$PATH" TMPDIR="$W/nobody" SHM_KEY="$K-nobody")
np=$("${as_nobody[@]}" timeout 60 shm-create -d -q -s 64K) || fail "holder as nobody"
PIDS+=("$np")
echo s >"$W/secret"; chmod 600 "$W/secret"
run "${as_nobody[@]}" shm-load "$W/secret"; [ "$RC" = 5 ] || bad="$bad noperm:$RC:$ERR"
[ -z "$bad" ] && pass "all rc=5" || fail "$bad"
