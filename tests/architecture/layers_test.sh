#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The layers of src/ as the folder READMEs state them, checked from the #include lines:
#   base <- format, base <- sys; format and sys <- protocol <- api <- tool and the mains (format is
#   pure data; sys passes plain values, such as base/file_identity.h, and knows no format),
# and no include cycle between modules (x.h and x.cpp are one module). Usage: layers_test.sh SRC_DIR
set -euo pipefail
src=${1:?usage: layers_test.sh SRC_DIR}
cd "$src"
declare -A allowed=(
  [lib/base]="base"
  [lib/format]="base format"
  [lib/sys]="base sys"
  [lib/protocol]="base format sys protocol"
  [lib/api]="base format sys protocol api"
)
failures=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for folder in "${!allowed[@]}"; do
  for file in "$folder"/*.cpp "$folder"/*.h; do
    [ -e "$file" ] || continue
    module=${file%.*}
    while IFS= read -r included; do
      layer=${included%%/*}
      if [ "$layer" = "$included" ]; then layer=${folder#lib/}; included="$layer/$included"; fi
      case " ${allowed[$folder]} " in
        *" $layer "*) ;;
        *) echo "layers: $file includes \"$included\": $folder may include only: ${allowed[$folder]}"; failures=$((failures + 1)) ;;
      esac
      [ "lib/${included%.*}" = "$module" ] || echo "$module lib/${included%.*}" >>"$edges"
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
  done
done
# The tools see only the public API: no core header in src/tool or the mains.
while IFS= read -r line; do
  echo "layers: $line: the tools use only <shmtools/...> and src/tool headers"; failures=$((failures + 1))
done < <(grep -Hn '^#include "\(base\|format\|sys\|protocol\|api\)/' tool/*.cpp tool/*.h shm_*.cpp || true)
if ! sort -u "$edges" | tsort >/dev/null 2>"$edges.err"; then
  echo "layers: include cycle between modules:"; sed 's/^/  /' "$edges.err"; failures=$((failures + 1))
fi
rm -f "$edges.err"
if [ "$failures" -ne 0 ]; then echo "1 failed: $failures layer violations"; exit 1; fi
echo "layers: every include respects the layers; no cycles"
