# SPDX-License-Identifier: BSD-3-Clause
# Shared prelude for the scripts: strict mode, repository root, dependency install, build.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script_name=$(basename "$0")

# Debian packages, the same names on Debian 12 (bookworm) and 13 (trixie); see docs/guide.md,
# "Building from source and testing", for why each is here. "a|b" means either: when neither is
# installed, the first one apt knows is installed.
build_packages=(g++ cmake make pkg-config qt6-base-dev libcli11-dev libxxhash-dev)
# Catch2: libcatch2-dev is v3 (trixie on); bookworm has only catch2, which is v2 there (and a
# transitional package for libcatch2-dev on trixie). dpkg-dev, debhelper and lintian build and
# check the Debian packages (packaging.debian; dpkg-buildpackage wants build-essential, and
# debian/rules needs no root, so no fakeroot). abigail-tools' abidiff checks the library's ABI
# against its baseline (packaging.abi). strace's fault injection kills shm-create at each system
# call of its start-up (recovery.kill-at-each-start-up-call). e2fsprogs' chattr makes key files
# undeletable (create.*-key-files-undeletable); trixie's minimal system no longer has it.
# What scripts/bench.sh needs besides the build: hyperfine times the whole processes, python3
# writes the report. In test_packages too, since tests/benchmark runs bench.sh.
bench_packages=(hyperfine python3)
test_packages=("libcatch2-dev|catch2" util-linux procps man-db build-essential dpkg-dev debhelper lintian
  abigail-tools strace e2fsprogs "${bench_packages[@]}")

# apt_get ARGS...: apt-get that waits up to 5 minutes for another apt or dpkg to finish instead
# of failing on its lock. Its output goes to a log, shown whole if it fails.
apt_get() {
  local log
  log=$(mktemp)
  if DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  echo "$script_name: 'apt-get $*' failed; its output:" >&2
  cat "$log" >&2
  rm -f "$log"
  return 1
}

# installed PKG: dpkg has PKG installed.
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# ensure_packages WHY PKG...: installs those of PKG that are missing with apt-get, after saying
# which and WHY (what they are for). Without dpkg or apt-get, or without root, says what to install.
ensure_packages() {
  local why=$1
  shift
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    echo "$script_name: no dpkg/apt-get here, so nothing is installed; $why it needs these Debian" \
      "packages or your system's equivalents (docs/guide.md, 'Building from source and testing'): ${*//|/ or }" >&2
    return 0
  fi
  local missing=() entry alternatives alternative found
  for entry in "$@"; do
    IFS='|' read -ra alternatives <<<"$entry"
    found=0
    for alternative in "${alternatives[@]}"; do
      if installed "$alternative"; then found=1 && break; fi
    done
    [ "$found" -eq 1 ] || missing+=("$entry")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$script_name: missing Debian packages, needed $why: ${missing[*]//|/ or }" >&2
    echo "$script_name: run this script as root, or first: sudo apt-get install ${missing[*]%%|*}" >&2
    return 1
  fi
  echo "$script_name: installing ${missing[*]//|/ or } with apt-get, $why" >&2
  apt_get update
  local chosen=()
  for entry in "${missing[@]}"; do
    IFS='|' read -ra alternatives <<<"$entry"
    for alternative in "${alternatives[@]}"; do
      if apt-cache show --no-all-versions "$alternative" >/dev/null 2>&1; then break; fi
    done
    chosen+=("$alternative")
  done
  apt_get install -y --no-install-recommends "${chosen[@]}"
  echo "$script_name: installed ${chosen[*]}" >&2
}

# build DIR [cmake args...]: configure and build the whole project, tests included, into DIR,
# with -Werror: the tests are for developers, whose compiler must stay warnings-clean.
build() {
  local dir=$1
  shift
  cmake -S "$repo_root" -B "$dir" -DBUILD_TESTING=ON -DSHM_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

# build_tools DIR: configure DIR without the tests (no Catch2 needed) and build the three tools.
build_tools() {
  cmake -S "$repo_root" -B "$1" -DBUILD_TESTING=OFF >/dev/null
  cmake --build "$1" -j "$(nproc)" --target shm-create shm-load shm-read
}
