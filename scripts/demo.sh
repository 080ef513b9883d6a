#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job, end to end with the default key: start a holder, load a file, read it back,
# show that the bytes match, stop the holder, and show that nothing is left behind.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# util-linux: ipcs, to show that nothing is left behind.
ensure_packages "to build the tools and run the demo" "${build_packages[@]}" util-linux
echo "$script_name: building the three tools into build/" >&2
build_tools "$repo_root/build" >/dev/null
bin="$repo_root/build/src"

scratch=$(mktemp -d)
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null && while kill -0 "$holder" 2>/dev/null; do sleep 0.05; done
  rm -rf "$scratch"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

# Binary content on purpose: NUL bytes and all 256 values, which the seed example could not carry.
{ printf 'shm-tools demo\n\0binary follows:\n'; head -c 100000 /dev/urandom; } >"$scratch/input.bin"

step "holder=\$(shm-create -d -s 1M)"
holder=$("$bin/shm-create" -d -s 1M)
step "shm-load input.bin"
"$bin/shm-load" "$scratch/input.bin"
step "shm-read > output.bin"
"$bin/shm-read" >"$scratch/output.bin"
step "cmp input.bin output.bin"
cmp "$scratch/input.bin" "$scratch/output.bin"
echo "identical: $(stat -c %s "$scratch/output.bin") bytes, sha256 $(sha256sum <"$scratch/output.bin" | cut -c1-16)..."
step "shm-read --info"
"$bin/shm-read" --info
ids=$("$bin/shm-read" --json | sed -E 's/.*"semid":([0-9]+).*"shmid":([0-9]+).*/\1 \2/')
read -r semid shmid <<<"$ids"
key_file=$("$bin/shm-read" --json | sed -E 's/.*"native_key":"([^"]+)".*/\1/')
step "kill \$holder"
kill "$holder"
while kill -0 "$holder" 2>/dev/null; do sleep 0.05; done
holder=""
step "shm-read   (the holder is gone, so is the segment)"
"$bin/shm-read" && exit 1 || echo "exit code $?"
step "ipcs -m -s | grep -w -e $shmid -e $semid; ls $key_file"
left=0
# ipcs -i exits 0 even for an id it cannot find, so look for the id in the listings.
ipcs -m | awk -v id="$shmid" '$2 == id { found = 1 } END { exit !found }' && { echo "segment $shmid is still there"; left=1; }
ipcs -s | awk -v id="$semid" '$2 == id { found = 1 } END { exit !found }' && { echo "semaphore $semid is still there"; left=1; }
ls "$key_file" 2>/dev/null && left=1
[ "$left" -eq 0 ] && echo "segment $shmid, semaphore $semid and the Qt key files are gone: nothing left behind"
exit "$left"
