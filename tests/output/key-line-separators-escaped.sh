#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README "Names cannot forge a line": a key holding the line and paragraph
# separators U+2028 and U+2029, NEL (U+0085) and a bidi override (U+202E, which shows what follows
# it reversed) is escaped in the human output of --info and --list as in the error lines, and in
# --json and --list --json the three separators are \u escapes: one line per object even for a
# consumer that splits on them, the same key for a JSON parser (which gets U+202E as it is: data).
# Before, --info and --list passed U+2028 and U+202E through raw.
. "$(dirname "$0")/../support/common.sh"
# The key's bytes in UTF-8 written out: bash's $'\u2028' depends on the locale (in the C locale
# of a fresh machine, bash 5.2 leaves it as the six characters \u2028).
KK=$'sep\xe2\x80\xa8forged\xe2\x80\xa9line\xc2\x85\xe2\x80\xaeexe.txt-'"$SHM_ADVERSARIAL_RUN"
KKE='sep\u2028forged\u2029line\u0085\u202eexe.txt-'"$SHM_ADVERSARIAL_RUN"
export SHM_KEY="$KK"
start_holder -s 64K || fail "holder"
echo v | shm-load -q - || fail "load"
raw_separator() { LC_ALL=C grep -q $'\xe2\x80\xa8\|\xe2\x80\xa9\|\xc2\x85' "$1"; }
raw_separator_or_bidi() { raw_separator "$1" || LC_ALL=C grep -q $'\xe2\x80\xae' "$1"; }
shm-read --info >"$W/info" || fail "--info"
grep -qxF "key:        $KKE" "$W/info" || fail "--info does not show the key escaped: $(cat -A "$W/info")"
shm-read --list >"$W/list" || fail "--list"
grep -qF " $KKE" "$W/list" || fail "--list does not show the key escaped: $(cat -A "$W/list")"
shm-read -k "$KK-missing" 2>"$W/err" && fail "a missing key was found"
grep -qF "$KKE-missing" "$W/err" || fail "the error line does not show the key escaped: $(cat -A "$W/err")"
for f in info list err; do raw_separator_or_bidi "$W/$f" && fail "a raw separator in $f: $(cat -A "$W/$f")"; done
shm-read --json >"$W/json" || fail "--json"
shm-read --list --json >"$W/list.json" || fail "--list --json"
for f in json list.json; do
  raw_separator "$W/$f" && fail "a raw separator in $f: $(cat -A "$W/$f")"
  LC_ALL=C grep -qF '\u2028forged\u2029line\u0085' "$W/$f" || fail "$f: no \\u escapes: $(cat -A "$W/$f")"
done
[ "$("$JSON_FIELD" key <"$W/json")" = "$KK" ] || fail "--json names another key: $("$JSON_FIELD" key <"$W/json" | cat -A)"
[ "$(grep -c . "$W/list.json")" -ge 1 ] || fail "--list --json is empty"
grep -F "$SHM_ADVERSARIAL_RUN" "$W/list.json" | "$JSON_FIELD" key >"$W/listed" || fail "--list --json is not JSON"
[ "$(cat "$W/listed")" = "$KK" ] || fail "--list --json names another key: $(cat -A "$W/listed")"
pass "escaped: $(grep '^key' "$W/info")"
