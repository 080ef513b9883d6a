#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README "Huge pages": `--json` huge_pages and `--info` "huge pages: yes|no" say whether the latest
# version (the header before the first load) lies on huge pages, as the kernel sees it (thp_probe:
# /proc/kpageflags): under advise (capacities below 2 MiB, not a multiple of 2 MiB, and large;
# tiny and large versions), under never, and with shmem_enabled switched never->advise and
# advise->never between the holder's start and the loads. Pages first touched while huge pages
# were off stay small, pages made huge stay huge. Switches shmem_enabled for the whole machine
# (restored by the cleanup), so ctest runs it alone (RUN_SERIAL).
. "$(dirname "$0")/../support/common.sh"
require_thp_switch
require_thp_probe
HUGE_SEEN=0

# check LABEL [VERSION]: --json, --info and the kernel agree on the header (no VERSION) or on the
# page holding VERSION's first bytes; sets SEEN to huge or small.
check() {
  local label=$1 file=${2:-} json info probe truth
  json=$(jget huge_pages)
  info=$(shm-read --info | sed -n 's/^[[:space:]]*huge pages:[[:space:]]*//p')
  probe=$("$THP_PROBE" "$(jget shmid)" ${file:+"$file"}) || fail "$label: thp_probe failed"
  if [ -n "$file" ]; then
    [ "$(probe_field "$probe" needle_at)" != -1 ] || fail "$label: thp_probe found no page holding the version ($probe)"
    truth=$(probe_field "$probe" needle_thp)
  else
    truth=$(probe_field "$probe" first_thp)
  fi
  echo "  $label: json=$json info=$info kernel: $probe"
  case $json/$info/$truth in
    true/yes/1) SEEN=huge; HUGE_SEEN=1 ;;
    false/no/0) SEEN=small ;;
    *) fail "$label: --json huge_pages=$json, --info 'huge pages: $info', kernel THP=$truth ($probe)" ;;
  esac
}
# load_check LABEL BYTES: loads BYTES random bytes, checks them read back and their huge_pages.
load_check() {
  head -c "$2" /dev/urandom >"$W/v"
  shm-load -q "$W/v" || fail "$1: loading $2 bytes: exit $?"
  shm-read | cmp -s - "$W/v" || fail "$1: the $2-byte version does not read back byte for byte"
  check "$1, $2-byte version" "$W/v"
}
stop_holder() { kill "$HP"; wait_gone "$HP" 30; }

# advise from the start: capacities below 2 MiB, not a multiple of 2 MiB, and large.
thp_set advise
for cap in 1048576 3145733 67108864; do
  SHM_KEY=$K-advise-$cap
  start_holder -s "$cap" || fail "holder of $cap bytes"
  check "advise, capacity $cap, header"
  for n in 100 $((cap / 2 + 4097)) 100 "$cap"; do load_check "advise, capacity $cap" "$n"; done
  stop_holder
done
[ "$HUGE_SEEN" = 1 ] || skip "the kernel gave no huge pages under advise (memory too fragmented?): nothing to tell apart"

# never from the start: small pages, reported small.
thp_set never
SHM_KEY=$K-never
start_holder -s 16M || fail "holder under never"
check "never, header"; [ "$SEEN" = small ] || fail "never: the header is on huge pages"
for n in 100 4194304 100; do
  load_check "never" "$n"; [ "$SEEN" = small ] || fail "never: a $n-byte version is on huge pages"
done
stop_holder

# never at the holder's start, advise before the loads: the header keeps its small pages.
SHM_KEY=$K-never-advise
start_holder -s 16M || fail "holder under never"
check "never->advise, header before"
thp_set advise
check "never->advise, header after"; [ "$SEEN" = small ] || fail "never->advise: the header made under never is reported huge"
for n in 100 8388608 100 16777216; do load_check "never->advise" "$n"; done
stop_holder

# advise at the holder's start, never before the loads: what was made huge stays huge (and is
# reported so); a slot first touched under never is small (and reported so).
thp_set advise
SHM_KEY=$K-advise-never
start_holder -s 16M || fail "holder under advise"
check "advise->never, header before"; header=$SEEN
load_check "advise->never, loaded under advise" 100; first=$SEEN; cp "$W/v" "$W/first"
thp_set never
check "advise->never, header after"
[ "$header" = small ] || [ "$SEEN" = huge ] || fail "advise->never: the huge header is reported small after the switch"
check "advise->never, the version loaded under advise, after" "$W/first"
[ "$first" = small ] || [ "$SEEN" = huge ] || fail "advise->never: the huge version is reported small after the switch"
load_check "advise->never, into the slot never touched" 100
[ "$SEEN" = small ] || fail "advise->never: a version in a slot first touched under never is reported huge"
load_check "advise->never, into the slot made under advise" 100
[ "$first" = small ] || [ "$SEEN" = huge ] || fail "advise->never: a version in the slot made huge under advise is reported small"
load_check "advise->never, large" 16777216
stop_holder
pass "huge_pages and --info agree with /proc/kpageflags under advise, never, and both switches"
