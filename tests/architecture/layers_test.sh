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
# shm_helpers (src/lib/CMakeLists.txt), the stateless helpers the tools link beside libshmtools:
# its modules include nothing of the core but each other, so a tool that links them gets no
# second copy of the library's state (the interrupt flag above all).
helpers=$(sed -n '/^add_library(shm_helpers STATIC/,/^)/s/^ *\([a-z_]*\/[a-z_]*\)\.cpp$/\1/p' lib/CMakeLists.txt)
[ -n "$helpers" ] || { echo "layers: no shm_helpers sources found in lib/CMakeLists.txt: the pattern is broken"; exit 1; }
is_helper() { case " $(echo $helpers) " in *" ${1%.*} "*) return 0 ;; esac; return 1; }
for module in $helpers; do
  for file in "lib/$module.cpp" "lib/$module.h"; do
    while IFS= read -r included; do
      is_helper "$included" || {
        echo "layers: $file includes \"$included\": shm_helpers modules include only each other"
        failures=$((failures + 1))
      }
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
  done
done
# The tools see only the public API and shm_helpers: no other core header in src/tool or the mains.
while IFS=: read -r file number included; do
  included=$(echo "$included" | sed -n 's/^#include "\([^"]*\)".*/\1/p')
  is_helper "$included" && continue
  echo "layers: $file:$number: includes \"$included\": the tools use only <shmtools/...>, src/tool and shm_helpers headers"
  failures=$((failures + 1))
done < <(grep -Hn '^#include "\(base\|format\|sys\|protocol\|api\)/' tool/*.cpp tool/*.h shm_*.cpp || true)
if ! sort -u "$edges" | tsort >/dev/null 2>"$edges.err"; then
  echo "layers: include cycle between modules:"; sed 's/^/  /' "$edges.err"; failures=$((failures + 1))
fi
rm -f "$edges.err"
if [ "$failures" -ne 0 ]; then echo "1 failed: $failures layer violations"; exit 1; fi
echo "layers: every include respects the layers; no cycles"
