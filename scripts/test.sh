#!/usr/bin/env bash
# Builds and runs the whole test suite twice: a normal build, then ASan+UBSan.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages "${build_packages[@]}" "${test_packages[@]}"
cd "$repo_root"

build build
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 300)

build build-sanitize -DSHM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd build-sanitize &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j "$(nproc)" --timeout 600)
