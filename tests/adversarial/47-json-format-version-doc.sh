#!/usr/bin/env bash
# README --json table: format_version is "version of the segment header format (1)"; guarantee 9
# says format 1 is "an older shm-tools" refused with exit 8. The documents must agree.
. "$(dirname "$0")/common.sh"
start_holder -s 4096 || fail "holder"
v=$(jget format_version)
[ "$v" = 1 ] && pass "format_version 1" || fail "README --json table documents format_version (1); observed $v (How-it-works says 2, guarantee 9 says 1 is refused): docs contradict each other"
