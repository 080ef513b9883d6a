#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every failure line reads "TOOL: KEY: what happened (cause); what to do". A representative
# set: output errors (a pipe closed early with SIGPIPE ignored, a full device), a missing
# segment and an orphan. Before: "shm-read: output: Broken pipe". The descriptor limit's line is
# limits/nofile-named-in-message.sh (plain build only).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 8M || fail "holder"
head -c 6000000 /dev/urandom | shm-load -q - || fail "load"
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
run shm-read -k "$K-missing"
[ "$RC" = 3 ] && [[ $ERR == "shm-read: $K-missing: no such segment"*"; "*"shm-read --list"* ]] || fail "missing: $ERR"
# The orphan's line, which README.md and docs/guide.md quote as their example (key demo, PID
# 4242): the quote is what the tools print, kept so by this check whenever the wording changes.
kill -KILL "$HP"
wait_gone "$HP"
run shm-read
[ "$RC" = 3 ] && [[ $ERR == "shm-read: $K: the holder (PID $HP) is not running; "* ]] || fail "orphan: $ERR"
quote=${ERR//$K/demo}
quote=${quote//"PID $HP"/PID 4242}
for doc in README.md docs/guide.md; do
  # Markdown wraps lines anywhere: compare with every run of spaces and newlines made one space.
  tr -s '\n ' '  ' <"$SHM_SOURCE_DIR/$doc" | grep -qF "\`$quote\`" ||
    fail "$doc does not quote the orphan's line as the tools print it: \`$quote\`"
done
pass "output, missing-segment and orphan lines name tool, key, cause and remedy; the docs quote the orphan's"
