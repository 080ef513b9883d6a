#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every module of src/lib (x.cpp, with its x.h) has its unit file tests/unit/<module>_test.cpp,
# listed in tests/unit/CMakeLists.txt (listed, not globbed: a file left out never runs), or is
# named in one of the three lists below with the reason. A new module in none of them fails; so
# does an entry that is no longer true (the module gone, or a unit file of its own come), so the
# lists cannot quietly go stale. Usage: unit_files_test.sh SRC_DIR TESTS_DIR
set -euo pipefail
lib=${1:?usage: unit_files_test.sh SRC_DIR TESTS_DIR}/lib
unit=${2:?usage: unit_files_test.sh SRC_DIR TESTS_DIR}/unit

# Thin: no decision of their own; they forward, and name the key an error concerns. What they
# forward to has its unit file; the facade itself is what tests/library/api_test.cpp runs.
declare -A thin=(
  [api/error_api]="two name tables, each name checked distinct by library/api_test.cpp"
  [api/holder_api]="pimpl over protocol/holder and protocol/segment_removal"
  [api/input_opening]="an Input's kind mapped to the InputSource constructor (input_source_test.cpp)"
  [api/raw_api]="forwards to protocol/raw_segment (raw_segment_test.cpp)"
  [api/segment_api]="pimpl over protocol/segment"
  [protocol/sysv_holder_os]="each HolderOs call forwarded to one sys/ function (shm_segment_test.cpp, semaphore_test.cpp, participant_lock_test.cpp)"
)

# Tested under another name: one class, Holder, split into files.
declare -A elsewhere=(
  [protocol/holder_adopt]="holder_test.cpp"  # Holder::adoptExisting and removeHalfMadeSegment
  [protocol/holder_create]="holder_test.cpp" # Holder::start and create, against FakeHolderOs
  [protocol/holder_key_collision]="holder_test.cpp" # Holder::clearOfOtherKeys, against FakeHolderOs
)

# Not yet: logic without a unit file, tested so far only through the tools and the API (the
# folders named). Each entry is a debt; it goes once its unit file exists.
declare -A not_yet=()

listed=$(sed -n 's/^ *\([a-z0-9_]*_test\.cpp\).*/\1/p' "$unit/CMakeLists.txt")
failures=0
fail() { echo "unit files: $*"; failures=$((failures + 1)); }

# Every unit file is listed, and every listed file exists.
for file in "$unit"/*_test.cpp; do
  grep -qx "$(basename "$file")" <<<"$listed" || fail "tests/unit/$(basename "$file") is not listed in tests/unit/CMakeLists.txt: it never runs"
done
for file in $listed; do
  [ -e "$unit/$file" ] || fail "tests/unit/CMakeLists.txt lists $file, which does not exist"
done

modules=$(cd "$lib" && ls */*.cpp | sed 's/\.cpp$//' | sort)
[ -n "$modules" ] || { echo "unit files: no module found under $lib: the pattern is broken"; exit 1; }
for module in $modules; do
  name=$(basename "$module")
  own=no
  grep -qx "${name}_test.cpp" <<<"$listed" && own=yes
  lists=0
  for list in thin elsewhere not_yet; do
    declare -n entries=$list
    [ -n "${entries[$module]+set}" ] && lists=$((lists + 1))
  done
  if [ $own = yes ] && [ $lists -gt 0 ]; then
    fail "$module has its unit file ${name}_test.cpp: take it out of the lists in this script"
  elif [ $own = no ] && [ $lists -eq 0 ]; then
    fail "$module has no unit file tests/unit/${name}_test.cpp (or give the reason in a list in this script)"
  elif [ $lists -gt 1 ]; then
    fail "$module is in more than one list of this script"
  fi
done
for list in thin elsewhere not_yet; do
  declare -n entries=$list
  for module in "${!entries[@]}"; do
    [ -e "$lib/$module.cpp" ] || fail "$module (list $list) is no module of src/lib any more"
  done
done
for module in "${!elsewhere[@]}"; do
  grep -qx "${elsewhere[$module]}" <<<"$listed" || fail "$module is said to be tested in ${elsewhere[$module]}, which is not listed"
done

if [ "$failures" -ne 0 ]; then echo "1 failed: $failures modules or unit files out of place"; exit 1; fi
echo "unit files: every module of src/lib has its unit file, or its reason here (${#not_yet[@]} not yet)"
