#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A Qt peer that writes into data() overwrites the segment's header while our holder runs: reads
# and loads exit 8 saying the header was overwritten and naming the live holder (whose mark on
# the key file survives the header), not "not made by shm-tools; use --raw", and saying once how
# to restart it; --remove stops that holder (exit 0), which removes the segment, semaphore and
# key files; a new holder then works.
. "$(dirname "$0")/../support/common.sh"
[ -x "$Q" ] || skip "QT_PEER_BIN not set"
start_holder -s 64K || fail "holder"
echo v1 | shm-load -q - || fail "first load"
"$Q" write "$K" "a Qt peer's bytes" || fail "the Qt peer could not write"
run shm-read
[ "$RC" = 8 ] && [[ $ERR == *"header was overwritten"* && $ERR == *"PID $HP"* ]] ||
  fail "read after the scribble: rc=$RC (want 8, overwritten header, holder PID $HP) $ERR"
# The advice once, in the tool's words (the library's message used to give it too).
[ "$(grep -o "shm-create --remove" <<<"$ERR" | wc -l)" = 1 ] || fail "advice given other than once: $ERR"
run shm-load "$W/small"
[ "$RC" = 8 ] && [[ $ERR == *"header was overwritten"* ]] || fail "load after the scribble: rc=$RC $ERR"
run shm-create --remove -t 10
[ "$RC" = 0 ] && [[ $ERR == *"PID $HP"* ]] || fail "--remove: rc=$RC (want 0, stopping PID $HP) $ERR"
wait_gone "$HP"
left=$(find "$W" -maxdepth 1 -name '*qipc_*' | wc -l)
[ "$left" = 0 ] || fail "left behind: $(ls -a "$W")"
start_holder -s 64K || fail "a new holder"
echo v2 | shm-load -q - && [ "$(shm-read)" = v2 ] || fail "the new holder's segment does not work"
pass "overwritten header named with the holder's PID; --remove stopped it; a new holder works"
