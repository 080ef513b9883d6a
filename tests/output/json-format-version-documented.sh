#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The --json table (docs/guide.md, "JSON output"; in the README until 1.0.0): the format_version it
# documents is the one the tools report (the table once said 1 while the
# tools wrote 2 and guarantee 9 refused 1).
. "$(dirname "$0")/../support/common.sh"
start_holder -s 4096 || fail "holder"
v=$(jget format_version)
documented=$(sed -n 's/^| `format_version` | version of the segment header format (\([0-9]*\).*/\1/p' \
  "$SHM_SOURCE_DIR/docs/guide.md")
[ -n "$documented" ] || fail "the --json table in docs/guide.md has no format_version row"
[ "$v" = "$documented" ] && pass "format_version $v, as documented" ||
  fail "docs/guide.md's --json table documents format_version ($documented); observed $v"
