#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README: a signal ignored by whoever started shm-read stays ignored in the --exec command too,
# and one that is not is at its default action there: the tool's interrupt handlers never reach
# the command. The command reports its own SigIgn mask (/proc/$$/status). SIGPIPE, which the
# reader ignores while a command runs, is as the caller left it in the command and, once the
# command has ended, in the reader again (an outside review found it reset to the default).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
echo v1 | shm-load -q - || fail "load"
# command_ignores HOW: the SigIgn mask of the --exec command of a shm-read started with SIGINT,
# SIGHUP and SIGPIPE ignored (HOW=ignored) or as this shell has them (HOW=default); sets
# READER_IGNORES to whether the reader itself ignores SIGINT and SIGHUP (yes/no), and
# READER_PIPE to whether it ignores SIGPIPE once the command has ended and it waits again.
command_ignores() {
  local how=$1 traps='' p
  [ "$how" = ignored ] && traps="trap '' INT HUP PIPE;"
  # shellcheck disable=SC2016 # $$ is the command's own PID, expanded by its shell
  bash -c "$traps exec shm-read --follow --exec "'"sed -n \"s/^SigIgn:[[:space:]]*//p\" /proc/\$\$/status"' \
    >"$W/$how.out" 2>"$W/$how.err" & p=$!
  PIDS+=("$p")
  wait_sleeping_in "$p" futex # --follow runs the command for the versions after this one
  echo "$how" | shm-load -q - || fail "load ($how)"
  wait_until 30 "the --exec command ($how) has reported" lines_at_least "$W/$how.out" 1
  wait_sleeping_in "$p" futex # the command has ended: the reader waits for the next version
  READER_IGNORES=no
  ignores_signal "$p" 2 && ignores_signal "$p" 1 && READER_IGNORES=yes
  READER_PIPE=default
  ignores_signal "$p" 13 && READER_PIPE=ignored
  kill -TERM "$p"
  wait_gone "$p"
  COMMAND_MASK=$(head -n 1 "$W/$how.out")
}
bits() { echo $(((0x$1 >> 1) & 1))$(((0x$1 >> 0) & 1))$(((0x$1 >> 12) & 1)); } # SIGINT (2), SIGHUP (1), SIGPIPE (13)
command_ignores ignored
[ "$READER_IGNORES" = yes ] || fail "the reader does not keep SIGINT and SIGHUP ignored: the case tests nothing"
[ "$READER_PIPE" = ignored ] || fail "SIGPIPE ignored by the caller is no longer ignored by the reader after a command"
[ "$(bits "$COMMAND_MASK")" = 111 ] ||
  fail "SIGINT, SIGHUP and SIGPIPE ignored by the caller are not ignored in the command (SigIgn $COMMAND_MASK)"
ignored=$COMMAND_MASK
command_ignores default
[ "$READER_IGNORES" = no ] || skip "this shell was started with SIGINT and SIGHUP ignored"
[ "$READER_PIPE" = default ] || fail "SIGPIPE ignored by the reader after a command though the caller did not ignore it"
[ "$(bits "$COMMAND_MASK")" = 000 ] ||
  fail "SIGINT, SIGHUP or SIGPIPE ignored in the command though the caller did not ignore them (SigIgn $COMMAND_MASK)"
pass "the --exec command has SIGINT, SIGHUP and SIGPIPE as the caller left them (SigIgn $ignored, then $COMMAND_MASK), and so has the reader after it"
