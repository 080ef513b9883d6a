#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The ABI of libshmtools.so.1 against the baseline kept in the repository
# (src/lib/api/libshmtools.abi, written by scripts/update-abi-baseline.sh from a release build):
# - the exported symbols are exactly the baseline's, so that nothing new leaks out of the
#   library and nothing documented disappears unnoticed;
# - libabigail's abidiff finds no change in the types and functions it exports. An incompatible
#   change needs a SONAME bump, on purpose: then this test passes again only once the baseline
#   is regenerated for the new SONAME;
# - both checks fail against baselines mutated as a new struct field and a removed function
#   would leave them (so that a blind check cannot pass).
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
symbols_of_baseline() { sed -n "s/^ *<elf-symbol name='\([^']*\)'.*is-defined='yes'.*/\1/p" "$1" | sort -u; }
symbols=$(nm -D --defined-only "$library" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)

check "SONAME $soname is the baseline's ($baseline_soname)" test "$soname" = "$baseline_soname"

# same_symbols BASELINE: the library exports exactly the symbols BASELINE records.
# shellcheck disable=SC2317
same_symbols() {
    local expected added removed
    expected=$(symbols_of_baseline "$1")
    added=$(comm -13 <(echo "$expected") <(echo "$symbols") | c++filt)
    removed=$(comm -23 <(echo "$expected") <(echo "$symbols") | c++filt)
    [[ -z $added && -z $removed ]] && return 0
    [[ -z $added ]] || printf 'exported but not in the baseline:\n%s\n' "$added"
    [[ -z $removed ]] || printf 'in the baseline but no longer exported:\n%s\n' "$removed"
    echo "(a deliberate API change: run scripts/update-abi-baseline.sh and commit the baseline with it)"
    return 1
}
check "exported symbols are exactly the baseline's" same_symbols "$baseline"

# same_types BASELINE: abidiff finds no change in the types and functions the library exports
# against BASELINE. Any change fails: for the plain structs of the API (VersionInfo, SegmentInfo,
# the options) a new field at the end is already incompatible, since the program allocates them;
# an addition is caught by same_symbols and needs a new baseline. No --headers-dir: abidiff
# would find the headers by the paths in the debug information, which ccache's CCACHE_BASEDIR
# makes relative, and then count every type as private and compare nothing. abi.suppr leaves out
# the standard library's own internals. abidiff's exit status is a bit mask: 1 error, 2 usage,
# 4 ABI change, 8 incompatible change.
# shellcheck disable=SC2317
same_types() {
    local rc=0
    abidiff --no-show-locs --suppressions "$source_dir/tests/packaging/abi.suppr" \
        "$1" "$library" >"$scratch/abidiff.txt" 2>&1 || rc=$?
    ((rc == 0)) && return 0
    cat "$scratch/abidiff.txt"
    if ((rc & 3)); then
        echo "abidiff failed (exit $rc)"
        return 2
    fi
    echo "(an ABI change: undo it, or bump the SOVERSION on purpose and run scripts/update-abi-baseline.sh)"
    return 1
}
check "abidiff: the public types and functions are the baseline's" same_types "$baseline"

# The checks must fail on what they guard against, or their passing proves nothing: the same
# checks against a baseline mutated as an incompatible change would leave it.
# A public struct that gained a field: VersionInfo in the baseline without its last member.
awk '
    /<class-decl name=.VersionInfo. / { inside = 1; sub(/size-in-bits=.[0-9]+./, "size-in-bits='"'"'512'"'"'") }
    inside && /<data-member / { held = $0; next }
    inside && held != "" { if ($0 ~ /name=.loaderPid./) { dropping = 1; held = ""; next } print held; held = "" }
    dropping && /<\/data-member>/ { dropping = 0; next }
    inside && /<\/class-decl>/ { inside = 0 }
    { print }' "$baseline" >"$scratch/field-added.abi"
# A function that disappeared: the baseline exports one more.
sed "0,/<elf-symbol name='\([^']*\)'\(.*is-defined='yes'.*\)/s//<elf-symbol name='_ZN8shmtools7removedEv'\2\n&/" \
    "$baseline" >"$scratch/function-removed.abi"
mutated_differs() { ! cmp -s "$baseline" "$1"; }
# fails CHECK...: the check reports a difference (status 1), not an error of its own.
fails() {
    local rc=0
    "$@" >"$scratch/mutant.txt" 2>&1 || rc=$?
    ((rc == 1)) && return 0
    cat "$scratch/mutant.txt"
    return 1
}
check "mutant baselines differ from the baseline" \
    eval 'mutated_differs "$scratch/field-added.abi" && mutated_differs "$scratch/function-removed.abi"'
check "abidiff check fails when VersionInfo gains a field" fails same_types "$scratch/field-added.abi"
check "symbol check fails when an exported function disappears" fails same_symbols "$scratch/function-removed.abi"
finish
