#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs a built build directory into a scratch prefix with `cmake --install` and checks the
# library package: the SONAME, that only the shmtools namespace is exported, that every installed
# header compiles on its own, and that the pkg-config file and the CMake package lead to it.
# Usage: library_test.sh BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=${1:?usage: library_test.sh BUILD_DIR}
require_tool cmake cmake
require_tool readelf binutils
require_tool nm binutils
require_tool c++filt binutils
require_tool pkg-config pkgconf
require_tool g++ g++

prefix=$scratch/prefix
install_build "$build" "$prefix"

shopt -s nullglob
libraries=("$prefix"/lib*/libshmtools.so.1.* "$prefix"/lib/*/libshmtools.so.1.*)
((${#libraries[@]} == 1)) || abort "expected one libshmtools.so.1.* under $prefix, found ${#libraries[@]}"
library=${libraries[0]}
libdir=$(dirname "$library")
echo "library: $library"

# Helpers for check; shellcheck cannot see them called through it.
# shellcheck disable=SC2317
same() {
    [[ $1 == "$2" ]] || { echo "got '$1', expected '$2'"; return 1; }
}
# shellcheck disable=SC2317
# only_shmtools_exported: every defined dynamic symbol is in namespace shmtools (or is the
# version node itself), and there are some.
only_shmtools_exported() {
    local symbols
    symbols=$(nm -D --defined-only "$library" | c++filt | awk '{ $1 = $2 = ""; print }' | sed 's/^ *//')
    [[ -n $symbols ]] || { echo "no symbols exported"; return 1; }
    if grep -Ev '^(shmtools::|SHMTOOLS_1$)' <<<"$symbols"; then
        echo "(exported outside namespace shmtools, above)"
        return 1
    fi
}
# shellcheck disable=SC2317
# only_declared_exported: every defined dynamic symbol is the documented API, declared in the
# installed headers: a function's name (with "(" after it) and each class that qualifies it
# ("class [SHMTOOLS_EXPORT] NAME", or struct). A helper only the tools use belongs to their own
# static library (src/tool/CMakeLists.txt: shm_tool), and one the headers no longer declare must go.
only_declared_exported() {
    local headers symbol name part parts undeclared=''
    headers=$(cat "$prefix/include/shmtools/"*.h)
    while IFS= read -r symbol; do
        name=${symbol%%(*}
        name=${name//\[abi:cxx11\]/}
        IFS=' ' read -ra parts <<<"${name//::/ }"
        for part in "${parts[@]:1:${#parts[@]}-2}"; do
            grep -Eq "(class|struct) (SHMTOOLS_EXPORT )?$part\b" <<<"$headers" || undeclared+="$symbol (no class $part)"$'\n'
        done
        part=$(sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"${parts[-1]}")
        grep -Eq "(^|[^A-Za-z0-9_])$part\(" <<<"$headers" || undeclared+="$symbol"$'\n'
    done < <(nm -D --defined-only "$library" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | c++filt)
    [[ -z $undeclared ]] && return 0
    printf 'exported but not declared in include/shmtools/:\n%s' "$undeclared"
    return 1
}
# shellcheck disable=SC2317
# all_versioned: every defined dynamic symbol has the version node SHMTOOLS_1.
all_versioned() {
    local unversioned
    unversioned=$(nm -D --defined-only "$library" | grep -v ' A ' | grep -v '@@SHMTOOLS_1$' || true)
    [[ -z $unversioned ]] || { echo "$unversioned"; return 1; }
}
# shellcheck disable=SC2317
# compiles_alone HEADER [FLAGS...]: a file that includes only HEADER compiles warning-free.
compiles_alone() {
    local header=$1
    shift
    echo "#include <shmtools/$header>" |
        g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsyntax-only -I"$prefix/include" "$@" -x c++ -
}

soname=$(readelf -d "$library" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
check "SONAME is libshmtools.so.1" same "$soname" libshmtools.so.1
check "libshmtools.so.1 -> $(basename "$library")" same "$(readlink "$libdir/libshmtools.so.1")" "$(basename "$library")"
check "libshmtools.so -> libshmtools.so.1 (for -lshmtools)" same "$(readlink "$libdir/libshmtools.so")" libshmtools.so.1
check "only symbols of namespace shmtools are exported" only_shmtools_exported
check "exported symbols carry the version SHMTOOLS_1" all_versioned
check "every exported function is declared in include/shmtools/" only_declared_exported

headers=(error.h export.h holder.h input.h interrupt.h listing.h raw.h segment.h shmtools.h)
for header in "${headers[@]}"; do
    check "include/shmtools/$header compiles on its own" compiles_alone "$header"
done
if pkg-config --exists Qt6Core; then
    # shellcheck disable=SC2046 # the flags are words
    check "include/shmtools/qt.h compiles on its own (with Qt's flags)" \
        compiles_alone qt.h $(pkg-config --cflags Qt6Core) -fPIC
else
    fail "include/shmtools/qt.h: Qt6Core not found by pkg-config (install qt6-base-dev)"
fi
check "nothing but the documented headers under include/shmtools" \
    same "$(cd "$prefix/include/shmtools" && echo *)" "$(printf '%s\n' "${headers[@]}" qt.h | sort | xargs)"

cmake_dir=$libdir/cmake/ShmTools
for file in ShmToolsConfig.cmake ShmToolsConfigVersion.cmake ShmToolsTargets.cmake; do
    check "$cmake_dir/$file" test -f "$cmake_dir/$file"
done

# The pkg-config file leads a plain compiler to the headers and the library.
export PKG_CONFIG_PATH=$libdir/pkgconfig
check "pkg-config finds shmtools" pkg-config --exists shmtools
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
check "pkg-config --modversion shmtools is the project's version ($version)" \
    same "$(pkg-config --modversion shmtools)" "$version"
flags=$(pkg-config --cflags --libs shmtools)
echo "pkg-config --cflags --libs shmtools: $flags"
# A sanitized library needs its runtime linked into the program first.
sanitize=()
if readelf -d "$library" | grep libasan >/dev/null; then
    sanitize=("-fsanitize=address,undefined")
fi
cat >"$scratch/consumer.cpp" <<'CPP'
#include <shmtools/shmtools.h>
#include <cstdio>
#include <cstring>

// Opening a key nobody holds fails with NoSegment, named the same way as the tools' exit code 3.
int main()
{
    auto segment = shmtools::Segment::open("shm-tools-packaging-test-no-such-key");
    if (segment || segment.error().code != shmtools::ErrorCode::NoSegment)
        return 1;
    std::printf("%s %d\n", shmtools::errorCodeName(segment.error().code), int(segment.error().code));
    return 0;
}
CPP
# shellcheck disable=SC2086 # $flags are words
if g++ -std=c++20 "${sanitize[@]}" "$scratch/consumer.cpp" -o "$scratch/consumer" $flags \
    -Wl,-rpath,"$(pkg-config --variable=libdir shmtools)" 2>"$scratch/consumer.log"; then
    pass "a program builds with \`pkg-config --cflags --libs shmtools\`"
    check "it runs against the installed library" \
        same "$(TMPDIR=$scratch "$scratch/consumer")" "no-segment 3"
    loaded=$(ldd "$scratch/consumer" | awk '$1 == "libshmtools.so.1" { print $3 }')
    check "it loads the installed library" same "$(realpath "$loaded")" "$(realpath "$library")"
else
    cat "$scratch/consumer.log"
    fail "a program builds with \`pkg-config --cflags --libs shmtools\`"
fi

finish
