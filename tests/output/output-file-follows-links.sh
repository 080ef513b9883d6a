#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read -o LINK` follows a symbolic link and replaces the file it leads to
# (the link stays a link), as `sort -o` and `sed -i --follow-symlinks` do. A dangling link, or
# one to a FIFO or a directory, and a device given as -o, are usage errors (exit 2) that say
# what was found; nothing is changed.
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4K || fail "holder"
echo -n new | shm-load -q - || fail "load"
cd "$W"
mkdir sub
echo old >sub/real
ln -s sub/real link
run shm-read -o link
[ "$RC" = 0 ] || fail "-o link: rc=$RC $ERR"
[ -L link ] && [ "$(readlink link)" = sub/real ] || fail "the link was replaced: $(ls -l link)"
[ "$(cat sub/real)" = new ] || fail "the target was not replaced: $(cat sub/real)"
[ "$(ls -A sub)" = real ] || fail "left beside the target: $(ls -A sub)"
expect_usage() { # expect_usage WHAT PATTERN -o ARG...
  local what=$1 pattern=$2
  shift 2
  run shm-read "$@"
  [ "$RC" = 2 ] || fail "$what: expected exit 2, got rc=$RC $ERR"
  [[ $ERR == *"$pattern"* ]] || fail "$what: does not say '$pattern': $ERR"
}
ln -s nowhere dangling
expect_usage "dangling link" "dangling is a symbolic link to nowhere, which does not exist (a dangling link)" -o dangling
[ -L dangling ] && [ ! -e nowhere ] || fail "the dangling link changed"
mkfifo fifo
ln -s fifo to-fifo
expect_usage "link to a FIFO" "to-fifo is a symbolic link to fifo, a FIFO, which -o does not replace; write to it through stdout instead: shm-read > to-fifo" -o to-fifo
[ -p fifo ] || fail "the FIFO was replaced"
ln -s sub to-dir
expect_usage "link to a directory" "to-dir is a symbolic link to sub, a directory; name a file in it" -o to-dir
expect_usage "a directory" "sub is a directory; name a file in it" -o sub
expect_usage "a device" "/dev/null is a character device" -o /dev/null
mkfifo "my fifo"
expect_usage "a FIFO named with a space" 'write to it through stdout instead: shm-read > "my fifo"' -o "my fifo"
pass "-o follows a link to a regular file; other kinds are named, exit 2"
