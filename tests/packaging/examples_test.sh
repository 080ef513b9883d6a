#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The consumer test: installs a built build directory into a scratch prefix with `cmake --install`,
# then builds examples/ against it and runs them with the installed tools (examples_scenario.sh).
# Usage: examples_test.sh BUILD_DIR SOURCE_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=examples_scenario.sh
source "$(dirname "${BASH_SOURCE[0]}")/examples_scenario.sh"

build=${1:?usage: examples_test.sh BUILD_DIR SOURCE_DIR}
source_dir=${2:?usage: examples_test.sh BUILD_DIR SOURCE_DIR}
require_tool cmake cmake
require_tool cmp diffutils
require_tool ipcs util-linux
require_tool timeout coreutils

prefix=$scratch/prefix
install_build "$build" "$prefix"
run_examples "$prefix" "$source_dir"

finish
