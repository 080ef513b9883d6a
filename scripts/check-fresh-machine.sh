#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Tries the README's two commands as a new user would: in a minimal Debian system
# (debootstrap --variant=minbase) with a fresh clone of this repository's committed HEAD, run
# `./scripts/demo.sh` then `./scripts/test.sh` as root, and print a table: release, command,
# exit code, wall time, first error line. The same table, for every target whose last run is
# kept, is written to docs/fresh-machines.md (commit it: nobody keeps that table by hand).
# For developers and releases, not for .ci/run.
# Usage: scripts/check-fresh-machine.sh [bookworm|trixie|all|aarch64]     (default: all)
#        scripts/check-fresh-machine.sh --report [TARGET...]   the table of the last runs again
#                     (and docs/fresh-machines.md written anew from their kept logs)
#   aarch64: in a fresh trixie, scripts/cross-build-aarch64.sh instead of the two commands.
# Needs root, debootstrap, unshare and Debian's archive. Environment:
#   SHM_FRESH_DIR     where the pristine systems, the runs and their logs live; not under /tmp
#                     (the tests' TMPDIR) and not in the repository (default: beside it,
#                     ../.cache-fresh). Delete RELEASE.base there to debootstrap anew.
#   SHM_FRESH_MIRROR  the Debian mirror (default http://deb.debian.org/debian)
#
# Each run starts from a copy of the pristine debootstrap tree; only downloaded .deb files are
# kept between runs (RELEASE.apt-archives), which saves time, not state. The commands run in
# their own mount, IPC and PID namespaces (unshare): System V IPC is per IPC namespace and a
# chroot alone would share the host's, so the tests can neither touch nor be disturbed by the
# host's segments and semaphores; /dev/shm is a tmpfs of the run's own; every process left
# over dies with the namespace, and the mounts vanish with it even if this script is killed.
# Each command runs with the fresh system as the root of its mount namespace (pivot_root, as on
# a real machine, not a chroot) and the host's cgroup hierarchy mounted as systemd would.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

readme_commands=("./scripts/demo.sh" "./scripts/test.sh")

# ----------------------------------------------------------------------------- inside
# run_inside ROOT LOG_DIR APT_ARCHIVES COMMAND...: the part that runs in the new namespaces:
# mount, run each COMMAND in ROOT, write one result line per command to LOG_DIR/results, unmount.
run_inside() {
  local root=$1 logs=$2 archives=$3
  shift 3
  mounted=()
  unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -R "${mounted[i]}" || umount -l "${mounted[i]}"; done
  }
  trap unmount_all EXIT
  mount_at() { # mount_at DIR MOUNT-ARGS...: mounts, remembers for the unmount.
    local dir=$root$1
    shift
    mount "$@" "$dir"
    mounted+=("$dir")
  }
  # The root a mount point of its own, as on a real machine (and as pivot_root needs).
  mount_at "" --bind "$root"
  mount_at /proc -t proc proc                  # this PID namespace's processes only
  mount_at /sys -t sysfs -o ro sysfs
  mount_at /sys/fs/cgroup --rbind /sys/fs/cgroup # as systemd mounts them (the pids controller's cases)
  mount_at /dev --bind /dev                    # device nodes (null, urandom, ...)
  mount_at /dev/pts --bind /dev/pts            # `script` in the tests needs a terminal
  mount_at /dev/shm -t tmpfs -o mode=1777 tmpfs # POSIX shm of this run only
  mount_at /var/cache/apt/archives --bind "$archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"

  local command name start rc
  for command in "$@"; do
    name=$(basename "$command" .sh)
    start=$(date +%s)
    rc=0
    # The fresh system becomes the root of a mount namespace of the command's own (pivot_root),
    # not a chroot: in a chroot the kernel refuses user namespaces, and entering a mount
    # namespace (nsenter -m) leads back to the host's root, so cases that a real machine runs
    # would skip or fail. This script keeps the host's root, to write the logs.
    # shellcheck disable=SC2016 # expanded by the inner shell
    unshare --mount --propagation private -- bash -c 'cd "$1" && pivot_root . mnt && cd / &&
      umount -l /mnt && cd /root/shm-tools && exec /usr/bin/env -i HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$2"' \
      - "$root" "$command" </dev/null >"$logs/$name.log" 2>&1 || rc=$?
    echo "$command $rc $(($(date +%s) - start))" >>"$logs/results"
  done
}

# ----------------------------------------------------------------------------- outside
# first_error LOG: the first line of LOG that looks like the cause of a failure.
# A failed ctest case is named by its result line; ctest's "Start N: NAME" lines are never a
# cause (a case named qt-failed-create-... once stood in this table for a failure it was not).
first_error() {
  { grep -m 1 -E '\*\*\*(Failed|Timeout|Exception)' "$1" ||
    grep -v -E '^ *Start [0-9]+: ' "$1" |
    grep -m 1 -E '^E: |CMake Error|error:|Error [0-9]+|FAILED|Failed|failed|No such file|not found'; } |
    sed 's/  */ /g; s/ \.\{3,\}/ /' | cut -c 1-150 || echo "(no error line; see the log)"
}

# cases_of LOG: what a test run's log says it ran, per build ("plain 559/559 passed, ..."), and
# how many cases skipped: the README promises that none does. "-" for a log of no test run.
cases_of() {
  local runs skipped
  runs=$(sed -n -E 's/^test\.sh: (.*) build: [0-9]+% tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1 \2 \3/p' "$1" |
    sort -u | while read -r build failed total; do echo "$build $((total - failed))/$total passed"; done | paste -sd ';' -)
  [ -n "$runs" ] || { echo -; return; }
  skipped=$(grep -c -E '\*\*\*Skipped|^SKIP ' "$1" || true)
  echo "${runs//;/; }; $skipped skipped"
}

# commands_of TARGET: what a target runs.
commands_of() {
  if [ "$1" = aarch64 ]; then echo ./scripts/cross-build-aarch64.sh; else echo "${readme_commands[@]}"; fi
}

# report TARGET...: the table of each target's last run (from its logs); fails if a command did.
report() {
  local target logs command name rc seconds error wall ok=0
  echo
  echo "Fresh-machine check (debootstrap --variant=minbase; release (commit, date)):"
  echo
  echo "| release | command | exit code | wall time | test cases | first error |"
  echo "|---|---|---|---|---|---|"
  for target in "$@"; do
    logs=$fresh/$target.logs
    for command in $(commands_of "$target"); do
      name=$(basename "$command" .sh)
      read -r _ rc seconds < <(grep "^$command " "$logs/results" 2>/dev/null || echo "- - -")
      error=-
      if [ "$rc" != 0 ]; then error=$(first_error "$logs/$name.log" 2>/dev/null || echo "(did not run)"); fi
      wall=-
      [ "$seconds" = - ] || wall=$(printf '%dm%02ds' $((seconds / 60)) $((seconds % 60)))
      echo "| $target ($(cat "$logs/commit" 2>/dev/null), $(cat "$logs/date" 2>/dev/null)) | \`$command\` | $rc | $wall | $(cases_of "$logs/$name.log" 2>/dev/null || echo -) | ${error//|/\\|} |"
      [ "$rc" = 0 ] || ok=1
    done
  done
  return "$ok"
}

# write_results FILE: the report of every target whose last run is kept under $fresh, with the
# host it ran on, as a Markdown page: the published fresh-machine results are this, never a copy.
write_results() {
  local file=$1 target kept=()
  for target in bookworm trixie aarch64; do
    [ -f "$fresh/$target.logs/results" ] && kept+=("$target")
  done
  [ "${#kept[@]}" -gt 0 ] || return 0
  mkdir -p "$(dirname "$file")"
  {
    echo "# Fresh-machine results"
    echo
    echo "Written by \`scripts/check-fresh-machine.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit"
    echo "by hand, run the script again. Each row: a minimal Debian system"
    echo "(\`debootstrap --variant=minbase\`), a fresh clone of the commit named, the command run as"
    echo "root in its own mount, IPC and PID namespaces (aarch64: a cross-build in a fresh trixie, not run)."
    echo "Host: $(uname -srm), $(nproc) CPUs, $(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release)."
    report "${kept[@]}" || true
    echo
    echo "The logs of these runs stay on the host that ran them, under \`$(basename "$fresh")/TARGET.logs/\`."
  } >"$file"
  echo "$script_name: wrote $file" >&2
}

# check TARGET: a fresh system of TARGET's release, a fresh clone, its commands run inside.
check() {
  local target=$1 release=$1 base run logs archives
  [ "$target" = aarch64 ] && release=trixie
  base=$fresh/$release.base
  run=$fresh/$target.run
  logs=$fresh/$target.logs
  archives=$fresh/$target.apt-archives
  if [ ! -d "$base" ]; then
    echo "$script_name: $release: debootstrap --variant=minbase into $base (once; reused after)" >&2
    rm -rf "$base.partial"
    if ! debootstrap --variant=minbase "$release" "$base.partial" "$mirror" >"$fresh/$release.debootstrap.log" 2>&1; then
      tail -n 20 "$fresh/$release.debootstrap.log" >&2
      echo "$script_name: $release: debootstrap failed; log: $fresh/$release.debootstrap.log" >&2
      return 1
    fi
    mv "$base.partial" "$base"
  fi
  if findmnt -rn -o TARGET | grep -q "^$run/"; then
    echo "$script_name: something is still mounted under $run; unmount it first" >&2
    return 1
  fi
  echo "$script_name: $target: copying the pristine system to $run" >&2
  rm -rf "$run" "$logs"
  cp -a "$base" "$run"
  mkdir -p "$logs" "$archives"
  git clone --quiet --no-hardlinks "$repo_root" "$run/root/shm-tools"
  git -C "$run/root/shm-tools" checkout --quiet --detach "$commit"
  echo "$commit" >"$logs/commit"
  date -u +%Y-%m-%d >"$logs/date"

  local commands
  read -ra commands <<<"$(commands_of "$target")"
  echo "$script_name: $target: running ${commands[*]} in $run at $commit (logs: $logs/)" >&2
  unshare --mount --ipc --pid --fork --propagation private -- \
    bash "${BASH_SOURCE[0]}" --inside "$run" "$logs" "$archives" "${commands[@]}" || true
}

main() {
  local report_only=0 targets=()
  if [ "${1:-}" = --report ]; then
    report_only=1
    shift
  fi
  case ${1:-all} in
    bookworm | trixie | aarch64) targets=("$@") ;;
    all) targets=(bookworm trixie) ;;
    -h | --help) sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; return 0 ;;
    *) echo "$script_name: unknown target '$1': bookworm, trixie, all or aarch64" >&2; return 2 ;;
  esac
  fresh=${SHM_FRESH_DIR:-$(dirname "$repo_root")/.cache-fresh}
  mirror=${SHM_FRESH_MIRROR:-http://deb.debian.org/debian}
  if [ "$report_only" -eq 1 ]; then
    write_results "$repo_root/docs/fresh-machines.md"
    report "${targets[@]}"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "$script_name: needs root (debootstrap, namespaces, mounts)" >&2
    return 2
  fi
  ensure_packages "to build minimal Debian systems and run them apart" debootstrap util-linux git
  case $fresh in "$repo_root"/* | /tmp/* | "${TMPDIR:-/tmp}"/*)
    echo "$script_name: SHM_FRESH_DIR=$fresh must be neither in the repository nor under TMPDIR" >&2
    return 2
    ;;
  esac
  mkdir -p "$fresh"
  fresh=$(cd "$fresh" && pwd)
  commit=$(git -C "$repo_root" rev-parse --short HEAD)
  if [ -n "$(git -C "$repo_root" status --porcelain --untracked-files=no)" ]; then
    echo "$script_name: note: uncommitted changes are not checked, only HEAD ($commit)" >&2
  fi
  local target
  for target in "${targets[@]}"; do check "$target" || true; done
  write_results "$repo_root/docs/fresh-machines.md"
  report "${targets[@]}"
}

# One line, read whole before it runs: editing this file during a run cannot derail the run.
if [ "${1:-}" = --inside ]; then shift && run_inside "$@"; else main "$@"; fi; exit
