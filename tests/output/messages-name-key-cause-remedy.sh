#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# User trial (h) and break pass (m): every failure line reads "TOOL: KEY: what happened (cause);
# what to do". A representative set: output errors (a pipe closed early with SIGPIPE ignored,
# a full device), the descriptor limit in each tool (naming RLIMIT_NOFILE and `ulimit -n`), a
# missing segment, and -d's own start-up. (shm-load and shm-read reserve their one descriptor:
# with the one the dynamic loader needs free, they work.) Before: "shm-read: output: Broken pipe",
# "shm-create: pipe: Too many open files", "KEY: /path: Too many open files".
. "$(dirname "$0")/../support/common.sh"
start_holder -s 8M || fail "holder"
head -c 6000000 /dev/urandom | shm-load -q - || fail "load"
# one_fd_free COMMAND...: runs COMMAND with 0, 1, 2 and one inherited descriptor (3) open and
# RLIMIT_NOFILE 5: one descriptor left, enough for the dynamic loader, not for the tool's work.
# (ctest and the shell may pass other descriptors down: they are closed first.)
one_fd_free() {
  bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
           exec 3</dev/null; ulimit -n 5; exec "$@"' _ "$@"
}
check() { # check WHAT TOOL PATTERN: $W/e is one line "TOOL: $K: ...; ..." matching PATTERN
  local line
  [ "$(wc -l <"$W/e")" = 1 ] || fail "$1: not one line: $(cat "$W/e")"
  line=$(cat "$W/e")
  [[ $line == "$2: $K: "*"; "* ]] || fail "$1: not 'TOOL: KEY: ...; remedy': $line"
  [[ $line =~ $3 ]] || fail "$1: does not say /$3/: $line"
}
set +e
bash -c "trap '' PIPE; exec shm-read" 2>"$W/e" | head -c 10 >/dev/null
check "closed pipe" shm-read 'writing standard output: Broken pipe \(the reader of the pipe went away\)'
shm-read --json >/dev/full 2>"$W/e"
check "full device, --json" shm-read 'writing standard output: No space left on device \(the file system is full\)'
shm-read >/dev/full 2>"$W/e"
check "full device, content" shm-read 'writing standard output: No space left on device'
set -e
# shm-create -d under its own key (the holder above has $K)
K2=$K-d
one_fd_free shm-create -d -k "$K2" 2>"$W/e" >"$W/o" || true
line=$(cat "$W/e")
[[ $line == "shm-create: $K2: "*"RLIMIT_NOFILE"*"ulimit -n"*"; "* ]] || fail "nofile shm-create -d: $line"
run shm-read -k "$K-missing"
[ "$RC" = 3 ] && [[ $ERR == "shm-read: $K-missing: no such segment"*"; "*"shm-read --list"* ]] || fail "missing: $ERR"
pass "output, descriptor-limit and missing-segment lines name tool, key, cause and remedy"
