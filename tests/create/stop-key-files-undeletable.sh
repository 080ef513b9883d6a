#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Outside break pass, issue 15: a holder whose key files cannot be unlinked when it stops (its
# TMPDIR made immutable, chattr +i, or read-only while it runs) said "segment removed" and left
# 2 key files and 2 anchors without a word. Now its stop says, in one line, what it could not
# remove and why (EPERM, EROFS) and what to do, and exits 1; the segment and semaphore go all the
# same, and the remedy it names ('shm-create --remove') removes the rest afterwards.
. "$(dirname "$0")/../support/common.sh"
[ "$(id -u)" -eq 0 ] || skip "needs root for chattr +i and a read-only bind mount"

# stop_under HOW CAUSE ERRNO: starts a holder (run by HOW, with TMPDIR $D), makes $D unwritable
# with `make_unwritable PID`, stops it with SIGTERM and checks what it says and leaves.
stop_under() {
  local how=$1 cause=$2 errno=$3 rc=0 shm_key sem_key files last
  D=$W/keys-$errno
  mkdir "$D"
  # shellcheck disable=SC2086 # HOW is words on purpose
  TMPDIR=$D $how shm-create -s 64K 2>"$W/err-$errno" & HP=$!
  PIDS+=("$HP")
  wait_until 30 "the holder is ready" has_line "$W/err-$errno" "ready"
  shm_key=$(ftok_key "$(ls "$D"/qipc_sharedmemory_*)")
  sem_key=$(ftok_key "$(ls "$D"/qipc_systemsem_*)")
  make_unwritable "$HP" || return 77
  kill -TERM "$HP"
  wait "$HP" || rc=$?
  make_writable "$HP"
  last=$(tail -n +2 "$W/err-$errno")
  [ "$rc" = 1 ] || fail "$errno: rc=$rc (a stop that leaves files is no success): $(cat "$W/err-$errno")"
  [ "$(echo "$last" | wc -l)" = 1 ] || fail "$errno: not one line after the ready line: $last"
  [[ $last == "shm-create: $K: stopped by SIGTERM; removed the segment and its semaphore, but cannot remove "* ]] ||
    fail "$errno: does not say what it did and could not do: $last"
  files=$(find "$D" -name 'qipc_*' -o -name '.qipc_*' | wc -l)
  [ "$files" = 4 ] || fail "$errno: expected the 2 key files and 2 anchors left, found $files"
  for file in "$D"/qipc_* "$D"/.qipc_*; do
    [[ $last == *"$(basename "$file")"* ]] || fail "$errno: does not name $(basename "$file"): $last"
  done
  [[ $last == *"($cause, $errno: "*"); once that is possible, 'shm-create --remove -k $K' removes them" ]] ||
    fail "$errno: does not say why and what to do: $last"
  ! ipcs -m -s | grep -q -i -e "$shm_key" -e "$sem_key" || fail "$errno: segment or semaphore left"
  TMPDIR=$D run shm-create --remove
  [ "$RC" = 0 ] || fail "$errno: the remedy failed: rc=$RC $ERR"
  [ -z "$(find "$D" -name 'qipc_*' -o -name '.qipc_*')" ] || fail "$errno: the remedy left files"
}

# skipped WHY: a case that could not run; the test skips only if none could.
ran=(); skipped=()
skipped() { skipped+=("$1"); kill -TERM "$HP" 2>/dev/null; wait "$HP" 2>/dev/null || true; }

make_unwritable() { CLEANUPS+=("chattr -i '$D' 2>/dev/null"); chattr +i "$D" 2>/dev/null; }
make_writable() { chattr -i "$D"; }
if ! command -v chattr >/dev/null; then
  skipped+=("EPERM: no chattr")
elif stop_under "" "Operation not permitted" EPERM; then
  ran+=(EPERM)
else
  skipped "EPERM: the file system of $W does not take chattr +i"
fi

# The holder sees $D in a mount namespace of its own, made read-only there while it runs (the
# directory outside stays writable, for the checks and the remedy): a read-only bind mount of $D
# put over it, since a remount of the mount the holder writes through fails (EBUSY) while it
# keeps its key files open.
make_unwritable() { in_mount_namespace_of "$1" mount --bind -o ro "$D" "$D"; }
make_writable() { :; }
# A script, not a function: the background job is then this very process (exec all the way), the
# one whose mount namespace make_unwritable enters.
cat >"$W/in-own-mount" <<'EOF'
#!/usr/bin/env bash
exec unshare -m --propagation private "$@"
EOF
chmod +x "$W/in-own-mount"
if ! command -v unshare >/dev/null || ! command -v nsenter >/dev/null; then
  skipped+=("EROFS: no unshare or nsenter")
elif ! unshare -m true 2>/dev/null; then
  skipped+=("EROFS: cannot make a mount namespace here")
elif stop_under "$W/in-own-mount" "Read-only file system" EROFS; then
  ran+=(EROFS)
else
  skipped "EROFS: cannot mount the holder's TMPDIR read-only"
fi
[ "${#ran[@]}" -gt 0 ] || skip "${skipped[*]}"
pass "a stop that cannot remove its key files (${ran[*]}) says so in one line with the remedy, exit 1${skipped:+ (not run: ${skipped[*]})}"
