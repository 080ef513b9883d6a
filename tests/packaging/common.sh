# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Shared prelude of the packaging tests: strict mode, a scratch directory removed on exit,
# pass/fail counters and the closing "NAME: N passed, N failed" line.
set -euo pipefail

test_name=$(basename "$0" _test.sh)
passed=0
failed=0
scratch=$(mktemp -d "${TMPDIR:-/tmp}/shm-${test_name}.XXXXXX")
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# check WHAT COMMAND...: one check, passed if COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# abort WHY: a failure that makes the remaining checks meaningless.
abort() {
    fail "$*"
    finish
}

# finish: prints the closing line; exits non-zero if any check failed.
finish() {
    echo "$test_name: $passed passed, $failed failed"
    if ((failed > 0)); then exit 1; fi
    exit 0
}

# require_tool COMMAND PACKAGE: the test cannot run without COMMAND, which PACKAGE provides.
require_tool() {
    command -v "$1" >/dev/null || abort "$1 not found: install the Debian package $2"
}

# install_build BUILD_DIR PREFIX: `cmake --install` of a configured and built build directory into
# PREFIX (a scratch directory); the remaining checks are meaningless if that fails.
install_build() {
    local build=$1 prefix=$2
    require_tool cmake cmake
    [[ -f $build/cmake_install.cmake ]] || abort "no cmake_install.cmake in $build: configure the project first"
    if (unset DESTDIR && cmake --install "$build" --prefix "$prefix") >"$scratch/install.log" 2>&1; then
        pass "cmake --install --prefix"
    else
        cat "$scratch/install.log"
        abort "cmake --install failed (log above)"
    fi
}
