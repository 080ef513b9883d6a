#!/usr/bin/env bash
# Builds the Debian package from a configured and built build directory with cpack, into a
# scratch directory, and checks its files and control fields.
# Usage: deb_content_test.sh BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=${1:?usage: deb_content_test.sh BUILD_DIR}
require_tool cpack cmake
require_tool dpkg-deb dpkg
require_tool gzip gzip
[[ -f $build/CPackConfig.cmake ]] || abort "no CPackConfig.cmake in $build: configure the project first"
unset DESTDIR

if cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1; then
    pass "cpack -G DEB"
else
    cat "$scratch/cpack.log"
    abort "cpack -G DEB failed (log above)"
fi
shopt -s nullglob
debs=("$scratch"/out/*.deb)
((${#debs[@]} == 1)) || abort "expected one .deb in $scratch/out, found ${#debs[@]}"
deb=${debs[0]}

# Helpers for check; shellcheck cannot see them called through it.
# shellcheck disable=SC2317
# matches TEXT REGEX
matches() { [[ $1 =~ $2 ]]; }
# shellcheck disable=SC2317
# same ACTUAL EXPECTED
same() {
    [[ $1 == "$2" ]] || { echo "got '$1', expected '$2'"; return 1; }
}
# field NAME: a control field of the package.
field() { dpkg-deb -f "$deb" "$1"; }

arch=$(dpkg --print-architecture)
check "file name $(basename "$deb") is shm-tools_<version>_$arch.deb" \
    matches "$(basename "$deb")" "^shm-tools_[0-9][^_]*_${arch}\\.deb$"

# The listing, one entry a line: "MODE OWNER PATH" or "MODE OWNER PATH -> TARGET".
dpkg-deb -c "$deb" | awk '{ $3 = $4 = $5 = ""; print }' | tr -s ' ' >"$scratch/contents"
# entry PATTERN: the package has an entry that matches PATTERN (a regular expression).
# shellcheck disable=SC2317
entry() { grep -Eq "^$1\$" "$scratch/contents"; }

for tool in shm-create shm-load shm-read; do
    check "usr/bin/$tool, executable, owned by root" entry "-rwxr-xr-x root/root ./usr/bin/$tool"
    check "man page usr/share/man/man1/$tool.1.gz" entry "-rw-r--r-- root/root ./usr/share/man/man1/$tool.1.gz"
done
check "completion script usr/share/bash-completion/completions/shm-create" \
    entry "-rw-r--r-- root/root ./usr/share/bash-completion/completions/shm-create"
for tool in shm-load shm-read; do
    check "completion usr/share/bash-completion/completions/$tool -> shm-create" \
        entry "l[rwx]{9} root/root ./usr/share/bash-completion/completions/$tool -> shm-create"
done
check "README usr/share/doc/shm-tools/README.md" entry "-rw-r--r-- root/root ./usr/share/doc/shm-tools/README.md"
# The library: its file and SONAME links, headers, CMake package and pkg-config file.
lib='\./usr/lib(/[^/]+)?'
check "libshmtools.so.1.* in usr/lib" entry "-rw[-x]r-[-x]r-[-x] root/root $lib/libshmtools\.so\.1\.[0-9.]+"
check "libshmtools.so.1 -> libshmtools.so.1.*" entry "l[rwx]{9} root/root $lib/libshmtools\.so\.1 -> libshmtools\.so\.1\.[0-9.]+"
check "libshmtools.so -> libshmtools.so.1" entry "l[rwx]{9} root/root $lib/libshmtools\.so -> libshmtools\.so\.1"
for header in error.h export.h holder.h input.h interrupt.h listing.h qt.h raw.h segment.h shmtools.h; do
    check "header usr/include/shmtools/$header" entry "-rw-r--r-- root/root \./usr/include/shmtools/$header"
done
for file in ShmToolsConfig.cmake ShmToolsConfigVersion.cmake ShmToolsTargets.cmake; do
    check "CMake package file $file" entry "-rw-r--r-- root/root $lib/cmake/ShmTools/$file"
done
check "pkg-config file shmtools.pc" entry "-rw-r--r-- root/root $lib/pkgconfig/shmtools\.pc"
check "control file shlibs names libshmtools 1" eval "dpkg-deb -I '$deb' shlibs | grep -E '^libshmtools 1 shm-tools' >/dev/null"

check "everything under usr/" eval "! grep -Ev ' \\./usr/' '$scratch/contents'"
check "usr/bin holds the three tools and nothing else (no test programs)" \
    eval "[[ \$(grep -c ' \\./usr/bin/.' '$scratch/contents') == 3 ]]"

check "Package: shm-tools" same "$(field Package)" shm-tools
check "Version: a version number" matches "$(field Version)" '^[0-9]+\.[0-9]+'
check "Architecture: $arch" same "$(field Architecture)" "$arch"
check "Section: utils" same "$(field Section)" utils
check "Maintainer: shm-tools developers <shm-tools@localhost>" \
    same "$(field Maintainer)" "shm-tools developers <shm-tools@localhost>"
depends=$(field Depends)
echo "Depends: $depends"
# Qt's runtime package is libqt6core6 on bookworm, libqt6core6t64 (64-bit time_t) from trixie on.
check "Depends mentions libqt6core6 or libqt6core6t64" matches "$depends" '(^|, |\| )libqt6core6(t64)?( |,|$)'
check "Depends mentions libc6" matches "$depends" '(^|, )libc6( |,|$)'
check "Description has a summary and a long description" \
    matches "$(field Description | wc -l)" '^([2-9]|[1-9][0-9]+)$'

# What the package installs works: the man pages are valid gzip, the tools start.
mkdir "$scratch/root"
dpkg-deb -x "$deb" "$scratch/root"
for tool in shm-create shm-load shm-read; do
    check "$tool.1.gz is valid gzip" gzip -t "$scratch/root/usr/share/man/man1/$tool.1.gz"
    check "packaged $tool --version exits 0" eval "'$scratch/root/usr/bin/$tool' --version >/dev/null"
done
packaged_library=$(find "$scratch/root/usr/lib" -name 'libshmtools.so.1.*' | head -n 1)
check "packaged libshmtools has the SONAME libshmtools.so.1" \
    eval "readelf -d '$packaged_library' | grep 'Library soname: \[libshmtools.so.1\]' >/dev/null"

finish
