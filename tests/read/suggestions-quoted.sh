#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every command a message suggests runs as it is when pasted into a shell: a
# key with a quote or a space is quoted, and the default key is left out ('shm-create', not
# 'shm-create -k fileloader_shm_key'). Each suggested command is taken from the message and run
# through the shell, and must reach the key it was suggested for.
. "$(dirname "$0")/../support/common.sh"
unset SHM_KEY
suggested() { # suggested ERR: the command in "start one with 'CMD'" of a message
  sed -n "s/.*start one with '\\(.*\\)'.*/\\1/p" <<<"$1"
}
for key in "$K a'b" "$K c d"; do
  run shm-read -k "$key"
  [ "$RC" = 3 ] || fail "missing $key: rc=$RC $ERR"
  cmd=$(suggested "$ERR")
  [ -n "$cmd" ] || fail "no suggested command: $ERR"
  # The suggested command, run by the shell, starts a holder for exactly this key.
  eval "${cmd/shm-create/shm-create -d -q}" >"$W/pid" || fail "suggested '$cmd' failed"
  PIDS+=("$(cat "$W/pid")")
  run shm-read -k "$key" --json
  [ "$RC" = 0 ] || fail "'$cmd' did not start a holder for '$key': rc=$RC $ERR"
  # A near key is offered quoted too.
  run shm-read -k "${key}x"
  [[ $ERR == *"did you mean -k \"$key\"?"* ]] || fail "near key not quoted: $ERR"
done
# The default key: the plain command (its TMPDIR is this test's own, so nothing else is there).
run shm-read
[ "$RC" = 3 ] && [[ $ERR == *"start one with 'shm-create' (processes"* ]] || fail "default key: $ERR"
pass "suggested commands quote the key and leave out the default one"
