#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-read -o FILE` replaces only a file its user may write. In a directory
# open to all without the sticky bit, the rename could replace anyone's file: as `sort -o` and
# `>` do, it is refused (exit 1, "Permission denied"), FILE untouched. A writable FILE in a
# directory we may not write says what -o needs and the way around it (stdout). Root replacing
# another user's file keeps its owner, group and mode.
. "$(dirname "$0")/../support/common.sh"
require_nobody
chmod 755 "$W"; mkdir "$W/nobody"; chown nobody "$W/nobody"
as_nobody=(runuser -u nobody -- env PATH="$PATH" TMPDIR="$W/nobody" SHM_KEY="$K-nobody")
np=$("${as_nobody[@]}" timeout 60 shm-create -d -q -s 4K) || fail "holder as nobody"
PIDS+=("$np")
echo -n content | "${as_nobody[@]}" shm-load -q - || fail "load as nobody"

mkdir -m 777 "$W/open"
echo secret >"$W/open/secret"; chmod 600 "$W/open/secret"
run "${as_nobody[@]}" shm-read -o "$W/open/secret"
[ "$RC" = 1 ] || fail "root's 0600 file in a 0777 directory: expected exit 1, got rc=$RC $ERR"
[[ $ERR == "shm-read: $K-nobody: $W/open/secret: cannot write it (Permission denied); "* ]] ||
  fail "not the one-line refusal: $ERR"
[ "$(stat -c %U:%a "$W/open/secret")" = root:600 ] && [ "$(cat "$W/open/secret")" = secret ] ||
  fail "FILE changed: $(stat -c %U:%a "$W/open/secret") $(cat "$W/open/secret")"
[ "$(ls -A "$W/open")" = secret ] || fail "left behind: $(ls -A "$W/open")"

mkdir -m 755 "$W/ro"; echo old >"$W/ro/mine"; chown nobody "$W/ro/mine"
run "${as_nobody[@]}" shm-read -o "$W/ro/mine"
[ "$RC" = 1 ] || fail "read-only directory: expected exit 1, got rc=$RC $ERR"
[[ $ERR == *"$W/ro/mine: cannot create a temporary file beside it (Permission denied); -o needs to create a file in $W/ro; write through stdout instead: shm-read > $W/ro/mine" ]] ||
  fail "read-only directory: no remedy: $ERR"
[ "$(cat "$W/ro/mine")" = old ] || fail "FILE changed in the read-only directory"

# Root replacing nobody's file: the new file is still nobody's, with its mode.
start_holder -s 4K || fail "holder"
echo -n root-content | shm-load -q - || fail "load"
echo old >"$W/theirs"; chown nobody:nogroup "$W/theirs"; chmod 640 "$W/theirs"
run shm-read -o "$W/theirs"
[ "$RC" = 0 ] || fail "root -o: rc=$RC $ERR"
[ "$(cat "$W/theirs")" = root-content ] || fail "not replaced"
[ "$(stat -c %U:%G:%a "$W/theirs")" = nobody:nogroup:640 ] || fail "owner not kept: $(stat -c %U:%G:%a "$W/theirs")"
pass "-o refuses a file we may not write, names the read-only directory's way out, keeps the owner"
