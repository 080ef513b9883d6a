#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# What a tool does before main(), in the build tree and installed: it looks for its libraries
# only beside itself ($ORIGIN) and where the system keeps them, never in the directory it is run
# from, and loading libshmtools runs no CPU detector of its own (CPUID traps to the hypervisor
# in a virtual machine; README, "Performance").
# Usage: startup_test.sh BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=$(cd "${1:?usage: startup_test.sh BUILD_DIR}" && pwd)
require_tool readelf binutils
require_tool nm binutils

prefix=$scratch/prefix
install_build "$build" "$prefix"

# Helpers for check; shellcheck cannot see them called through it.
# shellcheck disable=SC2317
# origin_only BINARY: every RUNPATH entry of BINARY is under $ORIGIN: none empty (the loader
# reads an empty entry as the current directory), none relative, none an absolute build path.
origin_only() {
    local runpath entry
    runpath=$(readelf -d "$1" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    [[ -n $runpath ]] || { echo "no RUNPATH: libshmtools would not be found beside the tool"; return 1; }
    IFS=: read -r -a entries <<<"$runpath"
    [[ $runpath != *: && $runpath != :* && $runpath != *::* ]] || { echo "empty entry in '$runpath'"; return 1; }
    for entry in "${entries[@]}"; do
        [[ $entry == '$ORIGIN'/* ]] || { echo "entry '$entry' of '$runpath' is not under \$ORIGIN"; return 1; }
    done
}
# shellcheck disable=SC2317
# ignores_cwd TOOL: TOOL starts and prints its version when run from a directory whose every
# file is named like one of its libraries and is not one (a loader that looked there would fail).
ignores_cwd() {
    local trap_dir=$scratch/planted output
    mkdir -p "$trap_dir"
    for library in libshmtools.so.1 libQt6Core.so.6 libstdc++.so.6 libgcc_s.so.1 libc.so.6; do
        echo "not a library" >"$trap_dir/$library"
    done
    output=$(cd "$trap_dir" && "$1" --version 2>&1) || { echo "$output"; return 1; }
    [[ $output == *"(shm-tools)"* ]] || { echo "unexpected output: $output"; return 1; }
}
# shellcheck disable=SC2317
# no_cpu_detector LIBRARY: libgcc's __builtin_cpu_supports machinery is not linked in.
no_cpu_detector() {
    if nm "$1" 2>/dev/null | grep -E '__cpu_indicator_init|__cpu_model'; then
        echo "(libgcc's CPU detector, above, runs CPUID whenever the library is loaded)"
        return 1
    fi
}

shopt -s nullglob
for where in build installed; do
    if [[ $where == build ]]; then bin=$build/src; else bin=$prefix/bin; fi
    libraries=("$(dirname "$bin")"/lib*/libshmtools.so.1.* "$(dirname "$bin")"/lib/*/libshmtools.so.1.*)
    ((${#libraries[@]} == 1)) || abort "expected one libshmtools.so.1.* beside $bin, found ${#libraries[@]}"
    for tool in shm-create shm-load shm-read; do
        check "$where $tool: RUNPATH only under \$ORIGIN" origin_only "$bin/$tool"
        check "$where $tool: no library from the working directory" ignores_cwd "$bin/$tool"
    done
    check "$where libshmtools: no CPU detector linked in" no_cpu_detector "${libraries[0]}"
done
finish
