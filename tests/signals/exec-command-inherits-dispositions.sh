#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a signal ignored by whoever started shm-read stays ignored in the --exec command too,
# and one that is not is at its default action there: the tool's interrupt handlers never reach
# the command. The command reports its own SigIgn mask (/proc/$$/status).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
echo v1 | shm-load -q - || fail "load"
# command_ignores HOW: the SigIgn mask of the --exec command of a shm-read started with SIGINT
# and SIGHUP ignored (HOW=ignored) or as this shell has them (HOW=default); sets READER_IGNORES to
# whether the reader itself ignores both (yes/no).
command_ignores() {
  local how=$1 traps='' p
  [ "$how" = ignored ] && traps="trap '' INT HUP;"
  # shellcheck disable=SC2016 # $$ is the command's own PID, expanded by its shell
  bash -c "$traps exec shm-read --follow --exec "'"sed -n \"s/^SigIgn:[[:space:]]*//p\" /proc/\$\$/status"' \
    >"$W/$how.out" 2>"$W/$how.err" & p=$!
  PIDS+=("$p")
  wait_sleeping_in "$p" futex # --follow runs the command for the versions after this one
  echo "$how" | shm-load -q - || fail "load ($how)"
  wait_until 30 "the --exec command ($how) has reported" lines_at_least "$W/$how.out" 1
  READER_IGNORES=no
  ignores_signal "$p" 2 && ignores_signal "$p" 1 && READER_IGNORES=yes
  kill -TERM "$p"
  wait_gone "$p"
  COMMAND_MASK=$(head -n 1 "$W/$how.out")
}
bits() { echo $(((0x$1 >> 1) & 1))$(((0x$1 >> 0) & 1)); } # SIGINT (2), SIGHUP (1)
command_ignores ignored
[ "$READER_IGNORES" = yes ] || fail "the reader does not keep SIGINT and SIGHUP ignored: the case tests nothing"
[ "$(bits "$COMMAND_MASK")" = 11 ] ||
  fail "SIGINT and SIGHUP ignored by the caller are not ignored in the command (SigIgn $COMMAND_MASK)"
ignored=$COMMAND_MASK
command_ignores default
[ "$READER_IGNORES" = no ] || skip "this shell was started with SIGINT and SIGHUP ignored"
[ "$(bits "$COMMAND_MASK")" = 00 ] ||
  fail "SIGINT or SIGHUP ignored in the command though the caller did not ignore them (SigIgn $COMMAND_MASK)"
pass "the --exec command has SIGINT and SIGHUP as the caller left them (SigIgn $ignored, then $COMMAND_MASK)"
