#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The ABI of libshmtools.so.1 against the baseline kept in the repository
# (src/lib/api/libshmtools.abi, written by scripts/update-abi-baseline.sh from a release build):
# - the exported symbols are exactly the baseline's, so that nothing new leaks out of the
#   library and nothing documented disappears unnoticed;
# - libabigail's abidiff finds no incompatible change in the public types and functions
#   (include/shmtools/). An incompatible change needs a SONAME bump, on purpose: then this
#   test passes again only once the baseline is regenerated for the new SONAME.
# Usage: abi_test.sh BUILD_DIR SOURCE_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=${1:?usage: abi_test.sh BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: abi_test.sh BUILD_DIR SOURCE_DIR}
baseline=$source_dir/src/lib/api/libshmtools.abi
require_tool abidw abigail-tools
require_tool abidiff abigail-tools
require_tool nm binutils
require_tool readelf binutils

shopt -s nullglob
libraries=("$build"/lib*/libshmtools.so.1.* "$build"/lib/*/libshmtools.so.1.*)
((${#libraries[@]} == 1)) || abort "expected one libshmtools.so.1.* in $build, found ${#libraries[@]}"
library=${libraries[0]}
[[ -f $baseline ]] || abort "no ABI baseline at $baseline: run scripts/update-abi-baseline.sh"

# The SONAME and the defined symbols as the baseline records them, and as the library has them.
baseline_soname=$(sed -n "s/.*soname='\([^']*\)'.*/\1/p" "$baseline" | head -n 1)
soname=$(readelf -d "$library" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
baseline_symbols=$(sed -n "s/^ *<elf-symbol name='\([^']*\)'.*is-defined='yes'.*/\1/p" "$baseline" | sort -u)
symbols=$(nm -D --defined-only "$library" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)

check "SONAME $soname is the baseline's ($baseline_soname)" test "$soname" = "$baseline_soname"

# shellcheck disable=SC2317
same_symbols() {
    local added removed
    added=$(comm -13 <(echo "$baseline_symbols") <(echo "$symbols") | c++filt)
    removed=$(comm -23 <(echo "$baseline_symbols") <(echo "$symbols") | c++filt)
    [[ -z $added && -z $removed ]] && return 0
    [[ -z $added ]] || printf 'exported but not in the baseline:\n%s\n' "$added"
    [[ -z $removed ]] || printf 'in the baseline but no longer exported:\n%s\n' "$removed"
    echo "(a deliberate API change: run scripts/update-abi-baseline.sh and commit the baseline with it)"
    return 1
}
check "exported symbols are exactly the baseline's" same_symbols

# abidiff's exit status is a bit mask: 1 error, 2 usage, 4 ABI change, 8 incompatible change.
# shellcheck disable=SC2317
no_incompatible_change() {
    local rc=0
    abidiff --no-show-locs --drop-private-types \
        --headers-dir2 "$source_dir/include/shmtools" "$baseline" "$library" >"$scratch/abidiff.txt" 2>&1 || rc=$?
    if ((rc & 3)); then
        cat "$scratch/abidiff.txt"
        echo "abidiff failed (exit $rc)"
        return 1
    fi
    if ((rc & 8)); then
        cat "$scratch/abidiff.txt"
        echo "(an incompatible change: bump the SOVERSION on purpose, or undo it)"
        return 1
    fi
    if ((rc & 4)); then
        echo "compatible changes (the baseline may be regenerated):"
        cat "$scratch/abidiff.txt"
    fi
}
check "abidiff: no incompatible change against the baseline" no_incompatible_change
finish
