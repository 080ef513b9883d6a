#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs a built build directory into a scratch prefix with `cmake --install` and checks
# that man finds and renders the pages and that bash loads the completion from there.
# Usage: install_test.sh BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build=${1:?usage: install_test.sh BUILD_DIR}
require_tool cmake cmake
require_tool man man-db
require_tool lexgrog man-db

prefix=$scratch/prefix
install_build "$build" "$prefix"

completions=$prefix/share/bash-completion/completions
for tool in shm-create shm-load shm-read; do
    check "bin/$tool is executable" test -x "$prefix/bin/$tool"
    check "share/man/man1/$tool.1" eval "[[ -f '$prefix/share/man/man1/$tool.1' || -f '$prefix/share/man/man1/$tool.1.gz' ]]"
    check "share/bash-completion/completions/$tool leads to the script" test -f "$completions/$tool"
done
check "completions for shm-load and shm-read are symlinks to shm-create" eval \
    "[[ \$(readlink '$completions/shm-load') == shm-create && \$(readlink '$completions/shm-read') == shm-create ]]"
check "share/doc/shm-tools/README.md" test -f "$prefix/share/doc/shm-tools/README.md"

# page_complete RENDERED_PAGE: the page has the sections and mentions what every page must.
# shellcheck disable=SC2317 # called through check
page_complete() {
    local section word status=0
    [[ -s $1 ]] || { echo "nothing rendered"; return 1; }
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT EXAMPLES "SEE ALSO"; do
        grep -qx "$section" "$1" || { echo "no $section section"; status=1; }
    done
    for word in --key --timeout --quiet --help --version SHM_KEY TMPDIR ipcs ipcrm 130; do
        grep -q -e "$word" "$1" || { echo "does not mention $word"; status=1; }
    done
    return "$status"
}

# man finds each page through MANPATH, names it for whatis, and renders it without warnings.
export MANPATH=$prefix/share/man LC_ALL=C.UTF-8 MANWIDTH=80
for tool in shm-create shm-load shm-read; do
    check "man -w $tool finds the installed page" \
        eval "[[ \$(man -w $tool) == '$prefix/share/man/man1/$tool.1'?(.gz) ]]"
    check "whatis line of $tool" eval "lexgrog \"\$(man -w $tool)\" | grep -q ': \"$tool - '"
    if man --warnings "$tool" >"$scratch/$tool.txt" 2>"$scratch/$tool.err" && [[ ! -s $scratch/$tool.err ]]; then
        pass "man $tool renders without warnings"
    else
        cat "$scratch/$tool.err"
        fail "man $tool renders without warnings"
    fi
    check "man $tool has every section and the common options" page_complete "$scratch/$tool.txt"
done

# A plain bash, as bash-completion's loader would, sources the file under each tool's name.
for tool in shm-create shm-load shm-read; do
    check "bash completes $tool from the installed script" bash --norc --noprofile -c \
        "source '$completions/$tool' && complete -p $tool | grep -q -- '-F _shm_tools'"
done

finish
