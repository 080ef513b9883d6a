#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Writes the ABI baseline of libshmtools (src/lib/api/libshmtools.abi) from a build directory
# (default: build/), for tests/packaging/abi_test.sh to compare every later build with. Run it
# when the public API changes on purpose, and commit the baseline with that change.
# Usage: scripts/update-abi-baseline.sh [BUILD_DIR]
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "to describe the library's ABI" abigail-tools
build=${1:-$repo_root/build}
shopt -s nullglob
libraries=("$build"/lib*/libshmtools.so.1.* "$build"/lib/*/libshmtools.so.1.*)
if ((${#libraries[@]} != 1)); then
  echo "$script_name: expected one libshmtools.so.1.* in $build: build the project first" >&2
  exit 1
fi
abidw --no-show-locs --no-corpus-path \
  "${libraries[0]}" >"$repo_root/src/lib/api/libshmtools.abi"
echo "$script_name: wrote src/lib/api/libshmtools.abi from ${libraries[0]}" >&2
