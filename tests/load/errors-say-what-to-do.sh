#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-load's errors say what to do, not only what happened: a missing FILE
# ("check the path"), a directory, an input too large for a --raw segment (a holder with a
# larger -s); and an empty FILE (an unset variable) is a usage error naming it (exit 2), not
# "No such file or directory" for a file named "" (exit 5).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
run shm-load "$W/nosuch"
[ "$RC" = 5 ] && [ "$ERR" = "shm-load: $K: $W/nosuch: No such file or directory; check the path" ] || fail "missing: rc=$RC $ERR"
run shm-load "$W"
[ "$RC" = 5 ] && [[ $ERR == *"Is a directory; give a file in it (to load a directory: tar -c DIR | shm-load -)" ]] || fail "directory: rc=$RC $ERR"
run shm-load ""
[ "$RC" = 2 ] && [ "$ERR" = "shm-load: empty FILE '': the file to load, or - for stdin; see 'shm-load --help'" ] || fail "empty: rc=$RC $ERR"
rp=$(timeout 60 shm-create -d -q --raw -k "$K-raw" -s 16) || fail "raw holder"
PIDS+=("$rp")
run sh -c 'echo 12345678901234567890 | shm-load --raw -k "$1" -' _ "$K-raw"
[ "$RC" = 6 ] && [[ $ERR == *"does not fit the raw segment"*"nothing was written; start shm-create with a larger -s" ]] ||
  fail "raw too large: rc=$RC $ERR"
pass "load errors name the remedy; an empty FILE is a usage error"
