#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# When the holder cannot make its anchors (the second hard links
# that restore key files a Qt peer or a cleaner removes; here TMPDIR is a tmpfs with no inode left
# for a link), it still starts, and its start report says in one line that removed key files
# cannot be restored and why: `shm-create -d`'s line on stderr, the foreground holder's, and the
# "ready" event of --watch --json (once, not again as a notice). Before: -d said only "ready"
# (the child told it after its stderr had gone to /dev/null), the others in a second line.
. "$(dirname "$0")/../support/common.sh"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
unshare --mount true 2>/dev/null || skip "unshare --mount is not permitted here (needs root or user namespaces)"
mkdir "$W/full"
# In a mount namespace of its own: TMPDIR a tmpfs of 3 inodes (its root and the two key files).
unshare --mount --propagation private bash -c "set -u
  mount -t tmpfs -o size=256k,nr_inodes=3 shm-test-anchors $W/full || exit 1
  export TMPDIR=$W/full
  hp=\$(timeout 30 shm-create -d -s 64K 2>$W/e-detach) || { echo detach-failed; exit 1; }
  echo \"\$hp\" >$W/detached-pid
  timeout 10 shm-read --json >/dev/null 2>$W/e-read || echo read-failed
  kill \$hp
  for i in \$(seq 500); do kill -0 \$hp 2>/dev/null || break; sleep 0.02; done
  timeout 30 shm-create -s 64K --watch --json >$W/json 2>$W/e-fg & p=\$!
  for i in \$(seq 1500); do grep -q ready $W/json 2>/dev/null && break; kill -0 \$p 2>/dev/null || break; sleep 0.02; done
  kill \$p; wait \$p
  ls -A $W/full" >"$W/inside" 2>&1 || fail "inside the mount namespace: $(cat "$W/inside")"
grep -q failed "$W/inside" && fail "$(cat "$W/inside") $(cat "$W/e-detach" "$W/e-read" 2>/dev/null)"
[ -z "$(grep qipc_ "$W/inside")" ] || fail "left in TMPDIR: $(cat "$W/inside")"
says_why() { [[ $1 == *"ready"*"key files"*"cannot be restored"*"ENOSPC"* ]]; }
[ "$(wc -l <"$W/e-detach")" = 1 ] || fail "shm-create -d: not one line: $(cat "$W/e-detach")"
says_why "$(cat "$W/e-detach")" || fail "shm-create -d is silent about its anchors: $(cat "$W/e-detach")"
says_why "$(head -n 1 "$W/e-fg")" || fail "the foreground ready line is silent about its anchors: $(cat "$W/e-fg")"
[ "$(grep -c 'cannot be restored' "$W/e-fg")" = 1 ] || fail "said more than once: $(cat "$W/e-fg")"
ready=$(grep '"event":"ready"' "$W/json" || grep ready "$W/json")
says_why "$ready" || fail "the --json ready event is silent about its anchors: $(cat "$W/json")"
[ "$(grep -c 'cannot be restored' "$W/json")" = 1 ] || fail "the JSON said it more than once: $(cat "$W/json")"
pass "the start report says why key files cannot be restored: $(cat "$W/e-detach")"
