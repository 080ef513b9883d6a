#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Break pass 5, issue 15: a "service" with a private /tmp (a mount namespace of its own with its
# own tmpfs at path P, the same IPC namespace, as systemd's PrivateTmp=yes) holds KEY with
# TMPDIR=P. Outside, P is another directory. `shm-read --list` there used to count the service's
# segment as "under other TMPDIRs (P)", naming our own path as another TMPDIR; and from a PID
# namespace that cannot see the service's holder, the path alone made it ours: listed, read as
# "its key files were removed", shm-create refused with exit 4. Identity goes by the key file's
# device and inode now: the segment is said to be made under this path but not reachable from
# here (another mount namespace, or key files removed), marked so in --list --all and in JSON.
. "$(dirname "$0")/../support/common.sh"
unshare --mount true 2>/dev/null || skip "cannot make a mount namespace here (needs root)"
unshare --pid --fork --mount-proc true 2>/dev/null || skip "cannot make a PID namespace here (needs root)"
P=$W/svc
mkdir "$P"
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount bash -c 'mount -t tmpfs -o size=4M tmpfs "$1" && TMPDIR=$1 exec shm-create -s 64K' - "$P" \
  2>"$W/svc.err" & s=$!
PIDS+=("$s")
wait_until 30 "the service's holder is ready" has_line "$W/svc.err" ready
[ -z "$(ls -A "$P")" ] || fail "the outside directory is not empty: $(ls -A "$P")"

# check_list WHERE: the --list runs of WHERE (out.*, err.*) do not count the service's segment as
# ours or as another TMPDIR at our own path, and say that it is not reachable from here.
check_list() {
  local where=$1
  ! grep -q "$K" "$W/out.list" || fail "$where: --list shows the service's segment as ours: $(cat "$W/out.list")"
  ! grep "other TMPDIRs" "$W/err.list" | grep -qF "$P" ||
    fail "$where: our own path named as another TMPDIR: $(cat "$W/err.list")"
  has_line "$W/err.list" "1 more segment of yours made under the path $P whose key files are not reachable from here" ||
    fail "$where: --list does not say the segment is not reachable from here: $(cat "$W/err.list")"
  grep -q "^alive .* $P (not reachable here) \+$K\$" "$W/out.all" ||
    fail "$where: --list --all does not mark the segment as not reachable here: $(cat "$W/out.all")"
  grep -q "\"key\":\"$K\".*\"under_this_tmpdir\":false" "$W/out.json" ||
    fail "$where: --list --all --json: $(cat "$W/out.json")"
}
# shellcheck disable=SC2016 # expanded by the inner shell
LISTS='shm-read --list >"$W/out.list" 2>"$W/err.list"; shm-read --list --all >"$W/out.all";
  shm-read --list --all --json >"$W/out.json"'

# Outside, where the service's holder can be seen (its root shows the other directory at P).
W=$W TMPDIR=$P bash -c "$LISTS" || fail "the lists outside"
check_list "outside"

# From a PID namespace of its own, which cannot see the service's holder: the path proves nothing.
# shellcheck disable=SC2016 # expanded by the inner shell
timeout 60 unshare --pid --fork --mount-proc env W="$W" TMPDIR="$P" bash -c "$LISTS"'
  shm-read -t 1 >/dev/null 2>"$W/read.err"; echo $? >"$W/read.rc"
  shm-create -d -q -s 64K -t 1 >"$W/create.out" 2>"$W/create.err"; echo $? >"$W/create.rc"
  [ "$(cat "$W/create.rc")" != 0 ] || shm-create -q --remove -t 10' || fail "the lists from a PID namespace that cannot see the holder"
check_list "from another PID namespace"
[ "$(cat "$W/read.rc")" = 3 ] && ! has_line "$W/read.err" removed ||
  fail "read from another PID namespace: rc=$(cat "$W/read.rc") (want 3, no key files removed) $(cat "$W/read.err")"
[ "$(cat "$W/create.rc")" = 0 ] ||
  fail "shm-create from another PID namespace: rc=$(cat "$W/create.rc") (want 0: a holder of its own) $(cat "$W/create.err")"
gone "$s" && fail "the service's holder was stopped from outside"
kill -TERM "$s"
wait_gone "$s"
pass "a segment made under our path in another mount namespace is listed as not reachable from here, never as ours"
