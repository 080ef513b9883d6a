#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The docs are a newcomer's map; a renamed file or folder must not leave it pointing nowhere.
# In README.md, docs/*.md, tests/README.md and the READMEs under src/: every path under tests/,
# src/, scripts/, docs/ or man/ exists, and every ctest name in backquotes, `<folder>.<case>`
# with a folder of tests/, is a case of that folder (its <case>.sh, or an add_test() of that
# name in its CMakeLists.txt). And every folder of tests/ has its row in tests/README.md.
# Usage: doc_paths_test.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: doc_paths_test.sh SOURCE_DIR}
cd "$src"

# Paths that are not meant to exist here, each with the reason.
declare -A not_ours=(
  [src/corelib/ipc]="Qt's source tree (qtbase), where QSharedMemory lives"
  [scripts/bench/fd_pass.cpp]="a prototype design.md says git keeps (up to e9c9e2c)"
)

docs=(README.md docs/*.md tests/README.md src/lib/README.md src/lib/*/README.md src/tool/README.md)
problems=()
folders=$(find tests -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)

for doc in "${docs[@]}"; do
  [ -f "$doc" ] || continue
  # A path starts after a character that cannot be part of one (so /usr/share/doc/... and
  # ../tests/... are not read as ours) and ends before one that cannot (a placeholder such as
  # <folder>, a glob, an anchor #...). A trailing full stop or comma ends the sentence.
  while IFS=: read -r line path; do
    path=${path%%[.,]}
    [ -e "$path" ] || [ -n "${not_ours[$path]:-}" ] || problems+=("$doc:$line: $path does not exist")
  done < <(grep -noE '(^|[^A-Za-z0-9_./~-])(tests|src|scripts|docs|man)/[A-Za-z0-9_./-]*' "$doc" |
           sed -E 's/^([0-9]+):[^a-z]?/\1:/')
  while IFS=: read -r line name; do
    folder=${name%%.*} case=${name#*.}
    grep -qx "$folder" <<<"$folders" || continue
    [ -f "tests/$folder/$case.sh" ] && continue
    grep -qE "NAME +$folder\\.$case( |\$)" "tests/$folder/CMakeLists.txt" 2>/dev/null && continue
    problems+=("$doc:$line: \`$name\` is no ctest case (no tests/$folder/$case.sh, no add_test)")
  done < <(grep -noE '`[a-z_]+\.[A-Za-z0-9_-]+`' "$doc" | tr -d '`')
done

for folder in $folders; do
  grep -qF "| \`$folder/\` |" tests/README.md || problems+=("tests/$folder/ has no row in tests/README.md")
done

if [ "${#problems[@]}" -gt 0 ]; then
  printf '%s\n' "${problems[@]}"
  echo "FAIL doc_paths: ${#problems[@]} stale reference(s) in the docs"
  exit 1
fi
echo "PASS doc_paths: every path and ctest name the docs give exists; tests/README.md names every folder"
