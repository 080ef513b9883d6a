#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's examples run as written under `set -euo pipefail` on a
# realistic tree. README.md is read at run time (it is rewritten often): every fenced block
# whose info string is `sh` and that follows the line `<!-- example: runnable -->` (blank lines
# between them allowed) is
# run with bash -euo pipefail in a directory holding `src` (a copy of this project's sources
# plus 3000 small files, so that a listing overflows a pipe), and must exit 0 and leave no
# process, segment, semaphore or key file behind.
. "$(dirname "$0")/../support/common.sh"
readme=${SHM_SOURCE_DIR:?set SHM_SOURCE_DIR to the source tree}/README.md
[ -r "$readme" ] || fail "cannot read $readme"

# The blocks, one file each: $W/example.N.sh.
awk -v dir="$W" '
    inside && /^```[[:space:]]*$/ { inside = 0; close(file); next }
    inside { print > file; next }
    /^<!-- example: runnable -->[[:space:]]*$/ { marked = 1; next }
    /^```sh[[:space:]]*$/ && marked { n++; file = dir "/example." n ".sh"; inside = 1 }
    /^[[:space:]]*$/ { next }
    { marked = 0 }
' "$readme"
shopt -s nullglob
examples=("$W"/example.*.sh)
[ "${#examples[@]}" -gt 0 ] || skip "README.md marks no block as runnable (<!-- example: runnable --> before a \`\`\`sh block)"

tree=$W/work
mkdir -p "$tree/src/generated"
cp -R "$SHM_SOURCE_DIR/src/." "$tree/src/"
for i in $(seq 1 3000); do echo "$i" >"$tree/src/generated/file-$i.txt"; done
# Control: on this tree, the old example's `tar -t | head` ends by SIGPIPE (141), so the tree
# is large enough to catch an example that would.
control=0
(cd "$tree" && set -o pipefail && tar -c src | tar -t | head >/dev/null) || control=$?
[ "$control" -eq 141 ] || fail "control: 'tar -c src | tar -t | head' exited $control on the test tree, not 141"

for example in "${examples[@]}"; do
    name=$(basename "$example")
    rc=0
    (cd "$tree" && timeout 120 bash -euo pipefail "$example") >"$W/$name.out" 2>"$W/$name.err" </dev/null || rc=$?
    [ "$rc" -eq 0 ] || fail "$name exited $rc: $(head -c 400 "$W/$name.err"); the block: $(head -c 400 "$example")"
    leftover=$(ls "$TMPDIR" | grep -c '^qipc_' || true)
    [ "$leftover" -eq 0 ] || fail "$name left $leftover key files in $TMPDIR"
done
pass "${#examples[@]} runnable README example(s) exit 0 under set -euo pipefail on a $(find "$tree/src" -type f | wc -l)-file tree"
