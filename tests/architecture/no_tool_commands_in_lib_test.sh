#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The library's messages state facts; advice that depends on the program (a command of the
# tools, their options) comes as a Remedy, which each tool words for itself (src/tool/
# remedy_text.cpp). A library message naming "shm-create --remove -k KEY" would be wrong for a
# Qt program using the library, and printed twice by the tools, beside their own wording of the
# remedy. So no string literal in src/lib names a tool as a command: "shm-create", "shm-load" or
# "shm-read" followed by a space or a quote. Comments may. Usage: no_tool_commands_in_lib_test.sh SRC_DIR
set -euo pipefail
src=${1:?usage: no_tool_commands_in_lib_test.sh SRC_DIR}
cd "$src/lib"
# Code lines (comment lines and trailing " // ..." comments left out), then their string
# literals, each checked for a tool named as a command.
found=$(grep -rnE --include='*.cpp' --include='*.h' 'shm-(create|load|read)' . |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*|/\*)' |
  sed -E 's#[[:space:]]//[^"]*$##' |
  grep -E "\"([^\"\\\\]|\\\\.)*shm-(create|load|read)[ '\"]" || true)
if [ -n "$found" ]; then
  echo "tool commands in library strings (give a Remedy instead, worded in src/tool/remedy_text.cpp):"
  echo "$found" | sed 's/^/  /'
  exit 1
fi
# A floor, so that a broken pattern cannot pass: the same check finds the tools' own advice.
count=$(grep -rhE "\"([^\"\\\\]|\\\\.)*shm-(create|load|read)[ '\"]" ../tool | wc -l)
[ "$count" -gt 0 ] || { echo "no tool command found even in src/tool: the pattern is broken"; exit 1; }
echo "no tool commands in src/lib strings (the pattern finds $count in src/tool)"
