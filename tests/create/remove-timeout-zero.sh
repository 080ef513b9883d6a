#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create --remove -t 0` means what -t says for 0: do not wait. A live holder
# is signalled, not waited for, and that is success (exit 0, a line saying so), never a false
# "timed out"; the holder then removes everything as it exits. A holder that ignores SIGTERM
# shows that nothing waited: the command returns at once while the holder stays.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 64K || fail "holder"
run shm-create --remove -t 0
[ "$RC" = 0 ] || fail "rc=$RC: $ERR"
[[ $ERR == "shm-create: $K: asked its holder (PID $HP) to stop; with -t 0 not waiting for it"* ]] || fail "message: $ERR"
wait_gone "$HP" 10
[ -z "$(find "$TMPDIR" -name 'qipc_*')" ] || fail "key files left: $(ls "$TMPDIR")"
# Nothing under the key: still exit 3, at once.
run shm-create --remove -t 0
[ "$RC" = 3 ] || fail "nothing there: rc=$RC $ERR"
pass "-t 0 signalled the holder without waiting, exit 0; it removed everything"
