#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian packages as a user gets them: builds them with `dpkg-buildpackage -us -uc -b` from a
# copy of the source (the checkout is never written to), runs lintian on them (any error or
# warning fails), checks what each package carries, unpacks the three into a scratch root and
# builds and runs examples/ against the installed libshmtools-dev (CMake and pkg-config) and the
# installed tools. Exits 77 (skip) only when the Debian packaging tools are not installed.
# Usage: debian_test.sh SOURCE_DIR BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=examples_scenario.sh
source "$(dirname "${BASH_SOURCE[0]}")/examples_scenario.sh"

source_dir=$(cd "${1:?usage: debian_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
build=$(cd "${2:?usage: debian_test.sh SOURCE_DIR BUILD_DIR}" && pwd)

for need in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian; do
    if ! command -v "${need%%:*}" >/dev/null; then
        echo "skip: ${need%%:*} not found: install the Debian packages dpkg-dev, debhelper and" \
            "lintian (scripts/test.sh does)"
        exit 77
    fi
done
require_tool cmake cmake
require_tool readelf binutils
require_tool pkg-config pkgconf
require_tool g++ g++
require_tool cmp diffutils
require_tool ipcs util-linux
require_tool timeout coreutils

# The packages are built in the build directory, not in scratch, so that the path (which
# dpkg-buildflags writes into the compiler flags) is the same on every run and a compiler launcher
# such as ccache can reuse earlier results.
work=$build/packaging-debian
rm -rf "$work"
mkdir -p "$work/shm-tools"
# shellcheck disable=SC2317 # called by the EXIT trap set in common.sh
cleanup() {
    if [[ -n $holder ]]; then kill "$holder" 2>/dev/null || true; fi
    rm -rf "$scratch" "$work"
}

# The copy: what git tracks plus new files it does not ignore, or, outside git, the tree without
# the build directory.
if git -C "$source_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # (A file deleted but not yet committed is still listed: leave it out.)
    (cd "$source_dir" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' file; do [[ -e $file ]] && printf '%s\0' "$file"; done |
        tar --null -T - -cf -) | tar -xf - -C "$work/shm-tools"
else
    tar -C "$source_dir" --exclude=./.git --exclude="./${build#"$source_dir"/}" -cf - . |
        tar -xf - -C "$work/shm-tools"
fi
[[ -f $work/shm-tools/debian/control ]] || abort "no debian/control in the copy of $source_dir"

# One build, parallel but bounded, without the test suite inside it (nocheck: this test is part
# of that suite). The caller's build directory says which compiler launcher to use, if any.
# dpkg-gensymbols at check level 4 fails on any symbol added or removed, so that
# debian/libshmtools1.symbols always lists exactly what the library exports.
launcher=$(sed -n 's/^CMAKE_CXX_COMPILER_LAUNCHER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
started=$SECONDS
if (cd "$work/shm-tools" && unset DESTDIR MAKEFLAGS MFLAGS MAKELEVEL &&
    CMAKE_CXX_COMPILER_LAUNCHER=$launcher CCACHE_BASEDIR=$work CCACHE_NOHASHDIR=1 \
        DEB_BUILD_OPTIONS="nocheck" DPKG_GENSYMBOLS_CHECK_LEVEL=4 dpkg-buildpackage -us -uc -b -j2 -Pnocheck) \
    >"$scratch/build.log" 2>&1; then
    pass "dpkg-buildpackage -us -uc -b ($((SECONDS - started)) s)"
else
    # A symbols mismatch is the likely cause after an API change: show dpkg-gensymbols' diff.
    sed -n '/dpkg-gensymbols: /,/^dh_makeshlibs: error/p' "$scratch/build.log"
    tail -n 40 "$scratch/build.log"
    abort "dpkg-buildpackage failed (log above; after a deliberate API change, run scripts/update-debian-symbols.sh)"
fi
check "the checkout's debian/ has no build products (the build ran on the copy)" \
    eval "[[ -z \$(cd '$source_dir/debian' && ls -d files .debhelper debhelper-build-stamp \
        shm-tools libshmtools1 libshmtools-dev ./*.substvars 2>/dev/null) ]]"

version=$(sed -n 's/^project(shm-tools VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
packages=(shm-tools libshmtools1 libshmtools-dev)
for package in "${packages[@]}"; do
    check "${package}_${version}_$arch.deb was built (the version is the project's)" \
        test -f "$work/${package}_${version}_$arch.deb"
done
changes=$work/shm-tools_${version}_$arch.changes
[[ -f $changes ]] || abort "no $(basename "$changes")"

# lintian on the .changes checks the packages, the .buildinfo and the .changes themselves.
status=0
lintian --fail-on error,warning --tag-display-limit 0 "$changes" >"$scratch/lintian.out" \
    2>"$scratch/lintian.err" || status=$?
cat "$scratch/lintian.out"
grep -v 'running with root privileges' "$scratch/lintian.err" || true
check "lintian: no error and no warning (it exits 0 and shows no E: or W: line)" \
    eval "[[ $status == 0 ]] && ! grep -E '^(E|W): ' '$scratch/lintian.out' >/dev/null"

# field PACKAGE NAME: a control field of PACKAGE's .deb.
field() { dpkg-deb -f "$work/${1}_${version}_$arch.deb" "$2"; }
# contents PACKAGE: its paths, one a line, directories left out, symbolic links as "PATH -> TARGET".
contents() {
    dpkg-deb -c "$work/${1}_${version}_$arch.deb" | awk '$1 !~ /^d/ { $1 = $2 = $3 = $4 = $5 = ""; print }' |
        sed 's/^ *\.//' | sort
}
# shellcheck disable=SC2317 # called through check
same() {
    [[ $1 == "$2" ]] || { echo "got '$1', expected '$2'"; return 1; }
}
lib=/usr/lib/$multiarch
library=$(contents libshmtools1 | grep -E "^$lib/libshmtools\.so\.1\.[0-9.]+$" || true)
check "libshmtools1 carries the library in the multiarch directory $lib" test -n "$library"
check "libshmtools1 carries nothing else but its SONAME link and docs" same "$(contents libshmtools1)" \
    "$(printf '%s\n' "$library" "$lib/libshmtools.so.1 -> $(basename "$library")" \
        /usr/share/doc/libshmtools1/changelog.gz /usr/share/doc/libshmtools1/copyright | sort)"
check "libshmtools1: Multi-Arch: same" same "$(field libshmtools1 Multi-Arch)" same
check "libshmtools1: Section: libs" same "$(field libshmtools1 Section)" libs
dpkg-deb -e "$work/libshmtools1_${version}_$arch.deb" "$scratch/control"
check "libshmtools1 has a symbols file for libshmtools.so.1" \
    grep -qx "libshmtools.so.1 libshmtools1 #MINVER#" "$scratch/control/symbols"
check "libshmtools1 activates the ldconfig trigger (no ldconfig in maintainer scripts)" \
    grep -qx "activate-noawait ldconfig" "$scratch/control/triggers"

headers=$(cd "$source_dir/include/shmtools" && printf '/usr/include/shmtools/%s\n' *.h)
check "libshmtools-dev carries the headers, .so link, CMake package and .pc, and docs" \
    same "$(contents libshmtools-dev)" "$(printf '%s\n' "$headers" \
        "$lib/libshmtools.so -> libshmtools.so.1" "$lib/pkgconfig/shmtools.pc" \
        "$lib/cmake/ShmTools/ShmToolsConfig.cmake" "$lib/cmake/ShmTools/ShmToolsConfigVersion.cmake" \
        "$lib/cmake/ShmTools/ShmToolsTargets.cmake" "$lib/cmake/ShmTools/ShmToolsTargets-none.cmake" \
        /usr/share/doc/libshmtools-dev/changelog.gz /usr/share/doc/libshmtools-dev/copyright | sort)"
check "libshmtools-dev depends on libshmtools1 of the same version" \
    eval "[[ '$(field libshmtools-dev Depends)' == *'libshmtools1 (= $version)'* ]]"
check "libshmtools-dev: Multi-Arch: same" same "$(field libshmtools-dev Multi-Arch)" same

expected_tools=(/usr/bin/shm-{create,load,read} /usr/share/man/man1/shm-{create,load,read}.1.gz
    /usr/share/bash-completion/completions/shm-create
    "/usr/share/bash-completion/completions/shm-load -> shm-create"
    "/usr/share/bash-completion/completions/shm-read -> shm-create"
    /usr/share/doc/shm-tools/{README.md,changelog.gz,copyright}
    /usr/share/doc/shm-tools/docs/{guide,design,benchmarks,fresh-machines}.md
    /usr/share/doc/shm-tools/examples/{CMakeLists.txt,loader.cpp,reader.cpp})
# zsh and fish completions (completion/CMakeLists.txt).
if [[ -f $source_dir/completion/_shm-tools ]]; then
    expected_tools+=(/usr/share/zsh/vendor-completions/_shm-tools)
fi
if [[ -f $source_dir/completion/shm-tools.fish ]]; then
    fish=/usr/share/fish/vendor_completions.d
    expected_tools+=("$fish"/shm-{create,load,read}.fish)
fi
check "shm-tools carries the tools, man pages, completions and docs, nothing else" \
    same "$(contents shm-tools)" "$(printf '%s\n' "${expected_tools[@]}" | sort)"
check "shm-tools depends on libshmtools1 (through its symbols file)" \
    eval "[[ '$(field shm-tools Depends)' =~ (^|\ )libshmtools1\ \(\>=\ [0-9] ]]"

# Every file the project installs is in one of the packages: the three component installs
# together are the whole install (the packages add only their changelog and copyright, and
# compress the man pages).
full=$scratch/full
DESTDIR=$full cmake --install "$work/shm-tools/obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)" \
    >/dev/null || fail "cmake --install of the package build"
check "the packages together hold every file of a full cmake --install" same \
    "$(cd "$full" && find . ! -type d | sed 's/^\.//' | sort)" \
    "$(for package in "${packages[@]}"; do contents "$package"; done | sed 's/ -> .*//' |
        grep -v -E '^/usr/share/doc/[^/]+/(changelog\.gz|copyright)$' | sed 's/\.gz$//' | sort)"

# Hardening from dpkg-buildflags with hardening=+all: PIE, full RELRO with BIND_NOW, and the
# stack protector, in the tools and the library.
root=$scratch/root
for package in "${packages[@]}"; do
    dpkg -x "$work/${package}_${version}_$arch.deb" "$root" || abort "dpkg -x $package"
done
# shellcheck disable=SC2317 # called through check
hardened() {
    local elf=$1 headers dynamic
    headers=$(readelf -lW "$elf") dynamic=$(readelf -dW "$elf")
    grep -q GNU_RELRO <<<"$headers" || { echo "no RELRO"; return 1; }
    grep -q -E 'BIND_NOW|FLAGS.*NOW' <<<"$dynamic" || { echo "no BIND_NOW"; return 1; }
    grep -q 'Type: *DYN' <<<"$(readelf -hW "$elf")" || { echo "not position-independent"; return 1; }
}
for elf in "$root"/usr/bin/shm-{create,load,read} "$root$library"; do
    check "$(basename "$elf") is hardened (PIE, RELRO, BIND_NOW)" hardened "$elf"
done
check "shm-load uses the stack protector" eval "readelf -sW --dyn-syms '$root/usr/bin/shm-load' | grep __stack_chk_fail >/dev/null"

# The examples, built against the unpacked -dev package with CMake, run with the unpacked tools.
# The libraries come from the scratch root: the tools find it through their RUNPATH, the
# examples and the pkg-config program through LD_LIBRARY_PATH.
export LD_LIBRARY_PATH=$root$lib
check "the unpacked shm-read loads the unpacked libshmtools.so.1" \
    eval "ldd '$root/usr/bin/shm-read' | grep '=> $root$lib/libshmtools.so.1 ' >/dev/null"
run_examples "$root/usr" "$source_dir"

# And with pkg-config: the .pc in the multiarch directory leads a plain compiler to the headers
# and the library of the unpacked package.
export PKG_CONFIG_PATH=$root$lib/pkgconfig PKG_CONFIG_LIBDIR=$root$lib/pkgconfig
check "pkg-config --modversion shmtools is $version" same "$(pkg-config --modversion shmtools)" "$version"
# shellcheck disable=SC2046 # the flags are words
if g++ -std=c++20 -Wall -Wextra -o "$scratch/loader-pc" "$source_dir/examples/loader.cpp" \
    $(pkg-config --cflags --libs shmtools) 2>"$scratch/loader-pc.log"; then
    pass "examples/loader.cpp builds with pkg-config --cflags --libs shmtools"
    status=0
    "$scratch/loader-pc" /dev/null "shm-debian-test-$$-no-such-key" 2>"$scratch/loader-pc.err" || status=$?
    check "it runs against the unpacked library (no holder: exit 3)" test "$status" -eq 3
else
    cat "$scratch/loader-pc.log"
    fail "examples/loader.cpp builds with pkg-config --cflags --libs shmtools"
fi

finish
