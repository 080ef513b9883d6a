#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Regenerates debian/libshmtools1.symbols from a real build of libshmtools with dpkg-gensymbols.
# Run it after a deliberate change of the library's API: symbols kept keep the version that
# introduced them, new ones get the project's version, and removed ones disappear (removing one
# breaks every program that used it, so it also needs a new SONAME). packaging.debian fails, and
# shows dpkg-gensymbols' diff, while the file and the library disagree.
# Usage: scripts/update-debian-symbols.sh
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "to build the library" "${build_packages[@]}"
ensure_packages "to generate the symbols file" dpkg-dev binutils

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$repo_root" -B "$work/build" -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$work/build" -j "$(nproc)" --target shmtools
DESTDIR=$work/package cmake --install "$work/build" --component runtime >/dev/null

version=$(sed -n 's/^project(shm-tools VERSION \([0-9.]*\).*/\1/p' "$repo_root/CMakeLists.txt")
symbols=$repo_root/debian/libshmtools1.symbols
template=()
[ -f "$symbols" ] && template=(-I"$symbols")
cd "$repo_root"
dpkg-gensymbols -q -c0 -plibshmtools1 -P"$work/package" -v"$version" "${template[@]}" -O"$work/symbols"
# A "#MISSING" line records a removed symbol; the file keeps only what the library has. C++
# symbols are written demangled, with dpkg-gensymbols' (c++) tag, so that a reader sees the API.
{
  head -n 1 "$work/symbols"
  echo "* Build-Depends-Package: libshmtools-dev"
  tail -n +2 "$work/symbols" | grep -v -e '^#MISSING' -e '^\* Build-Depends-Package:' |
    while read -r name version; do
      case $name in
        '(c++)'*) echo " $name $version" ;;
        _Z*) echo " (c++)\"$(c++filt "${name%@*}")@${name##*@}\" $version" ;;
        *) echo " $name $version" ;;
      esac
    done | awk '!seen[$0]++' # (a constructor's two ABI variants have one demangled name)
} >"$symbols"
echo "$script_name: wrote $symbols: $(grep -c '^ ' "$symbols") symbols" >&2
