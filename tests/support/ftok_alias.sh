# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Sourced by the scripts that shell cases run in a mount namespace of their own (unshare
# --mount) to make two keys' files meet under one System V key: ftok() keeps only 16 bits of the
# inode (and 8 of the device), and a tmpfs mounted there numbers its inodes in sequence, so the
# next file's inode can be chosen. `fail` says why and ends the script (exit 1).

fail() { echo "FAIL: $*"; exit 1; }

# private_tmpfs DIR: a tmpfs of this namespace's own at DIR, as TMPDIR.
private_tmpfs() {
  mount -t tmpfs -o size=64m,mode=1777 tmpfs "$1" || fail "cannot mount a tmpfs at $1"
  export TMPDIR=$1
}

ino() { stat -c %i "$1"; }
# ftok_of FILE: FILE's System V key as ipcs prints it (ftok(FILE, 'Q')).
ftok_of() { printf '0x%08x' $(((0x51 << 24) | (($(stat -c %d "$1") & 0xff) << 16) | ($(ino "$1") & 0xffff))); }
# semid_of FILE / shmid_of FILE: the semaphore set / segment under FILE's System V key, or nothing.
semid_of() { ipcs -s | awk -v key="$(ftok_of "$1")" 'tolower($1) == key { print $2 }'; }
shmid_of() { ipcs -m | awk -v key="$(ftok_of "$1")" 'tolower($1) == key { print $2 }'; }

# burn_to_alias FILE: files are made (and removed) beside FILE until the next file made in its
# directory gets an inode that agrees with FILE's in the 16 bits ftok() keeps. Nothing else may
# make files on that tmpfs meanwhile.
burn_to_alias() {
  local dir want next count
  dir=$(dirname "$1")
  mkdir "$dir/.burn"
  touch "$dir/.probe"; next=$(($(ino "$dir/.probe") + 1)); rm "$dir/.probe"
  want=$(($(ino "$1") + 65536))
  while [ $((want - next - 1)) -lt 0 ]; do want=$((want + 65536)); done
  count=$((want - next - 1))
  [ "$count" = 0 ] || seq "$count" | sed "s|^|$dir/.burn/|" | xargs touch
  touch "$dir/.probe"
  [ "$(ino "$dir/.probe")" = $((want - 1)) ] || fail "this tmpfs does not number inodes in sequence"
  rm -rf "$dir/.burn" "$dir/.probe"
  ALIAS=$want
}

# alias_file PATH TARGET: makes PATH (mode 0640, as a key file) a new file whose System V key is
# TARGET's (both on the same tmpfs).
alias_file() {
  burn_to_alias "$2"
  : >"$1"
  chmod 640 "$1"
  [ "$(ftok_of "$1")" = "$(ftok_of "$2")" ] || fail "$1 does not alias $2"
}
