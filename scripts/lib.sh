# Shared prelude for the scripts: strict mode, repository root, dependency install, build.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages, see README "Dependencies" for why each is here: what the build needs, and
# what the tests add to it.
build_packages=(g++ cmake make pkg-config qt6-base-dev libcli11-dev catch2 libxxhash-dev)
test_packages=(util-linux procps man-db dpkg-dev)

# ensure_packages PKG...: installs those that are missing (apt-get, as root).
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
    return 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR [cmake args...]: configure and build the whole project, tests included, into DIR.
build() {
  local dir=$1; shift
  cmake -S "$repo_root" -B "$dir" -DSHM_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

# build_tools DIR: configure DIR and build only the three tools.
build_tools() {
  cmake -S "$repo_root" -B "$1" >/dev/null
  cmake --build "$1" -j "$(nproc)" --target shm-create shm-load shm-read
}
