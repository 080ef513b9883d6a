#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Shows that the build does not depend on x86-64: cross-compiles the core library and the three
# tools for aarch64 with Debian's cross compiler and arm64 multiarch packages, then checks what
# came out. Adds the arm64 architecture to dpkg and installs arm64 packages, so run it in a
# throwaway system: scripts/check-fresh-machine.sh aarch64 does (a fresh trixie).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
# The native Qt provides the build tools and their CMake files; file checks the result.
ensure_packages "to cross-compile for aarch64" "${build_packages[@]}" g++-aarch64-linux-gnu \
  qt6-base-dev:arm64 libxxhash-dev:arm64 file

build_dir=$repo_root/build-aarch64
cmake -S "$repo_root" -B "$build_dir" -DBUILD_TESTING=OFF -DSHM_WERROR=ON \
  -DCMAKE_TOOLCHAIN_FILE="$repo_root/cmake/toolchain-aarch64-linux-gnu.cmake" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target shm_core shm-create shm-load shm-read
for tool in shm-create shm-load shm-read; do
  description=$(file -b "$build_dir/src/$tool")
  echo "$tool: $description"
  case $description in *"ARM aarch64"*) ;; *) echo "$script_name: $tool is not an aarch64 binary" >&2; exit 1 ;; esac
done
