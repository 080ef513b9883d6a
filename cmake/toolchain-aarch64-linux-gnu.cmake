# SPDX-License-Identifier: BSD-3-Clause
# Cross-compiling for aarch64 with Debian's cross compiler and multiarch development packages
# (g++-aarch64-linux-gnu, qt6-base-dev:arm64, libxxhash-dev:arm64); see
# scripts/cross-build-aarch64.sh. Usage: cmake -DCMAKE_TOOLCHAIN_FILE=<this file> ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Qt's build tools run on the build machine: the native qt6-base-dev provides them and their
# CMake files.
set(QT_HOST_PATH /usr)
set(QT_HOST_PATH_CMAKE_DIR /usr/lib/${CMAKE_HOST_SYSTEM_PROCESSOR}-linux-gnu/cmake)
# The native pkg-config, reading the target's .pc files.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
