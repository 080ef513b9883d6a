#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# At the descriptor limit, shm-create -d says which limit and how to raise it in
# one line "shm-create: KEY: ... RLIMIT_NOFILE ... ulimit -n ...; ...". Before: "shm-create:
# pipe: Too many open files". PLAIN_ONLY: with RLIMIT_NOFILE 5 the sanitizers' runtime cannot
# start cleanly (UBSan then reports a false "invalid vptr" inside CLI11).
. "$(dirname "$0")/../support/common.sh"
# one_fd_free COMMAND...: runs COMMAND with 0, 1, 2 and one inherited descriptor (3) open and
# RLIMIT_NOFILE 5: one descriptor left, enough for the dynamic loader, not for the tool's work.
# (ctest and the shell may pass other descriptors down: they are closed first.)
one_fd_free() {
  bash -c 'for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
           exec 3</dev/null; ulimit -n 5; exec "$@"' _ "$@"
}
one_fd_free shm-create -d -k "$K" 2>"$W/e" >"$W/o" || true
[ "$(wc -l <"$W/e")" = 1 ] || fail "not one line: $(cat "$W/e")"
line=$(cat "$W/e")
[[ $line == "shm-create: $K: "*"RLIMIT_NOFILE"*"ulimit -n"*"; "* ]] || fail "nofile shm-create -d: $line"
[ ! -s "$W/o" ] || fail "a PID was printed although the start failed: $(cat "$W/o")"
pass "shm-create -d at the descriptor limit names RLIMIT_NOFILE and ulimit -n in one line"
