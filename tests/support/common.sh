# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Shared prelude of the shell cases (tests/<behaviour>/<what>.sh, sourced as
# `. "$(dirname "$0")/../support/common.sh"`), each a hostile reproduction of one README promise,
# run as its own ctest case "<behaviour>.<what>". In the manner of mold's
# test/common.inc: strict mode, a scratch TMPDIR of its own under the build directory, a key of
# its own, and a cleanup trap that stops every process the test started and removes every
# segment, semaphore and key file it created, whatever way the test ends.
#
# Environment (set by shm_shell_test in tests/CMakeLists.txt): SHM_BIN_DIR (shm-create, shm-load,
# shm-read), SHM_TEST_SCRATCH (where the scratch directories go), HOSTILE_PEER_BIN, QT_PEER_BIN,
# QT_ATTACH_PEER_BIN, JSON_FIELD_BIN, THP_PROBE_BIN.
#
# Exit codes: 0 pass, 1 fail, 77 skipped (ctest SKIP_RETURN_CODE; the reason is printed).
set -euo pipefail
# Job control: without it bash starts background commands with SIGINT and SIGQUIT ignored, and
# a tool keeps a signal ignored at start (README "Signals"), so signal tests would test nothing.
set -m

CASE=$(basename "$0" .sh)
: "${SHM_BIN_DIR:?set SHM_BIN_DIR to the directory of shm-create, shm-load and shm-read}"
: "${SHM_TEST_SCRATCH:?set SHM_TEST_SCRATCH to a scratch directory (ctest does)}"
export PATH="$SHM_BIN_DIR:$PATH"
H=${HOSTILE_PEER_BIN:-}
Q=${QT_PEER_BIN:-}
QA=${QT_ATTACH_PEER_BIN:-}
JSON_FIELD=${JSON_FIELD_BIN:-}

# The scratch root stays searchable by others: the tests that act as `nobody` reach into it.
mkdir -p "$SHM_TEST_SCRATCH"
chmod 755 "$SHM_TEST_SCRATCH"
TMPDIR=$(mktemp -d "$SHM_TEST_SCRATCH/$CASE.XXXXXX")
export TMPDIR
W=$TMPDIR
# Every process this test starts inherits this marker, also the holders that `shm-create -d`
# detaches and the children of --exec: the cleanup finds them by it, and by nothing global.
SHM_ADVERSARIAL_RUN="$CASE-$$-$RANDOM"
export SHM_ADVERSARIAL_RUN
K="adv-$SHM_ADVERSARIAL_RUN"
export SHM_KEY=$K
# A small input file for loads whose content does not matter (not /etc/hostname: containers may
# lack it).
echo "small input of $CASE" >"$W/small"
PIDS=()       # processes to stop, also those that do not carry the marker
KEY_FILES=()  # key files outside TMPDIR (e.g. in /tmp) whose objects the cleanup removes
CLEANUPS=()   # commands the cleanup runs first (e.g. restoring a kernel setting)

# marked_pids: the processes that carry this test's marker, except this shell.
marked_pids() {
  local file pid
  for file in $(grep -lzx "SHM_ADVERSARIAL_RUN=$SHM_ADVERSARIAL_RUN" /proc/[0-9]*/environ 2>/dev/null); do
    pid=${file#/proc/}
    pid=${pid%/environ}
    [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ] || echo "$pid"
  done
}

# ours PID: PID is still a process of this test: it carries the marker, or descends from this
# shell. A PID noted in PIDS may have ended long ago and now name another test's process: with
# pid_max 32768 and a whole suite forking, PIDs come round again within minutes.
ours() {
  local pid=$1 hops
  grep -qzx "SHM_ADVERSARIAL_RUN=$SHM_ADVERSARIAL_RUN" "/proc/$pid/environ" 2>/dev/null && return 0
  for hops in {1..64}; do
    pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
    [ -n "$pid" ] && [ "$pid" -gt 1 ] || return 1
    [ "$pid" = $$ ] && return 0
  done
  return 1
}

# other_tests_keys: the System V keys (as ftok_key prints them) of the key files and anchors of
# other tests, in the places tests put them (every folder's scratch directory, /tmp, /dev/shm),
# not this one's.
other_tests_keys() {
  local all_scratch
  all_scratch=$(dirname "$(dirname "$SHM_TEST_SCRATCH")") # <build>/tests/<folder>/scratch
  find "$all_scratch" /tmp /dev/shm -maxdepth 4 \( -name 'qipc_*' -o -name '.qipc_*.shm-tools-anchor' \) \
      -type f -not -path "$TMPDIR/*" -printf '%D %i %p\n' 2>/dev/null |
    while read -r dev ino file; do
      for ours_file in "${KEY_FILES[@]}"; do [ "$file" != "$ours_file" ] || continue 2; done
      printf '0x%08x\n' $(((0x51 << 24) | ((dev & 0xff) << 16) | (ino & 0xffff)))
    done
}

# gone PID: PID has ended (a zombie counts as ended: a detached holder is not our child).
gone() {
  local state
  state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}

# ftok_key FILE: the System V key Qt and shm-tools derive from FILE (ftok(FILE, 'Q')).
ftok_key() {
  local ids dev ino
  ids=$(stat -L -c '%d %i' "$1") || return 1
  read -r dev ino <<<"$ids"
  printf '0x%08x\n' $(((0x51 << 24) | ((dev & 0xff) << 16) | (ino & 0xffff)))
}

# ipc_id m|s KEY: the id of the segment (m) or semaphore (s) under the System V key KEY (as
# ftok_key prints it), or nothing. Note it while the key file exists: once the file is gone its
# inode may be another case's key file, under the same key.
ipc_id() { ipcs "-$1" | awk -v key="$2" 'tolower($1) == key { print $2 }'; }
# ipc_exists m|s ID KEY: the object ID exists and still has the key KEY (an id alone may be
# reused).
ipc_exists() { ipcs "-$1" | awk -v id="$2" -v key="$3" '$2 == id && tolower($1) == key { found = 1 } END { exit !found }'; }

# anchor_of FILE: where a holder keeps its second link to the key file FILE (a hidden name
# beside it, src/lib/sys/key_file.cpp anchorPathFor); a killed holder leaves it behind.
anchor_of() { echo "$(dirname "$1")/.$(basename "$1").shm-tools-anchor"; }

cleanup() {
  local rc=$? cmd pid file victims=() key anchors others
  trap - EXIT INT TERM HUP
  set +e
  for cmd in "${CLEANUPS[@]}"; do eval "$cmd"; done
  for pid in "${PIDS[@]}"; do ours "$pid" && victims+=("$pid"); done
  victims+=($(marked_pids))
  for pid in "${victims[@]}"; do kill -TERM "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null; done
  all_gone() { local pid; for pid in "${victims[@]}"; do gone "$pid" || return 1; done; }
  poll_until 3 all_gone # a clean stop removes the holder's own objects
  for pid in "${victims[@]}"; do gone "$pid" || kill -KILL "$pid" 2>/dev/null; done
  # Key files and their anchors: an anchor is the same inode, so it still leads to the objects
  # of a key file that the test (or a killed holder's clean-up) removed. Objects under a key that
  # another test's key file also has (an ftok collision) may be that test's: left to its cleanup.
  others=$(other_tests_keys)
  anchors=()
  for file in "${KEY_FILES[@]}"; do anchors+=("$(anchor_of "$file")"); done
  for file in $(find "$TMPDIR" -name 'qipc_*' -o -name '.qipc_*.shm-tools-anchor' 2>/dev/null) \
      "${KEY_FILES[@]}" "${anchors[@]}"; do
    [ -e "$file" ] || continue
    key=$(ftok_key "$file") || continue
    if ! grep -qx "$key" <<<"$others"; then
      ipcrm -M "$key" 2>/dev/null
      ipcrm -S "$key" 2>/dev/null
    fi
    [[ $file == "$TMPDIR"/* ]] || rm -f "$file"
  done
  chmod -R u+rwx "$TMPDIR" 2>/dev/null
  rm -rf "$TMPDIR"
  [ -z "${OTHERS_DIR:-}" ] || rm -rf "$OTHERS_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pass() { echo "PASS $CASE: $*"; exit 0; }
fail() { echo "FAIL $CASE: $*"; exit 1; }
skip() { echo "SKIP $CASE: $*"; exit 77; }

# poll_until SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds (status 0) or
# SECONDS have passed (status 1). The bounds are generous: ASan on a loaded 2-core machine.
poll_until() {
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}
# wait_until SECONDS WHAT COMMAND...: poll_until, failing the test naming WHAT on a timeout.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  poll_until "$seconds" "$@" || fail "timed out after ${seconds}s waiting until $what"
}

# sleeping_in PID NEEDLE...: PID sleeps in a kernel function whose name has one of NEEDLEs
# (/proc/PID/wchan): futex (a tool waiting for a version or a wake-up), sem (the segment lock),
# pipe_read/pipe_write/pipe_wait (blocked on a pipe).
sleeping_in() {
  local pid=$1 wchan needle
  shift
  wchan=$(cat "/proc/$pid/wchan" 2>/dev/null) || return 1
  for needle in "$@"; do [[ $wchan != 0 && $wchan == *"$needle"* ]] && return 0; done
  return 1
}
wait_sleeping_in() { local pid=$1; shift; wait_until 30 "PID $pid sleeps in $*" sleeping_in "$pid" "$@"; }
wait_gone() { wait_until "${2:-10}" "PID $1 has ended" gone "$1"; }

# in_mount_namespace_of PID COMMAND...: runs COMMAND in PID's mount namespace, with PID's root
# and working directory. Entering a mount namespace moves to its root, which in a chroot (a
# fresh-machine check, a build chroot) is not ours: without -r and -w, our paths would not resolve.
in_mount_namespace_of() { nsenter -t "$1" -m -r -w -- "${@:2}"; }
# has_line FILE REGEX / line_count FILE
has_line() { grep -q -- "$2" "$1" 2>/dev/null; }
line_count() { if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi; }
lines_at_least() { [ "$(line_count "$1")" -ge "$2" ]; }
# read_at_least PID BYTES: PID has read BYTES (a loader is that far into its input).
read_at_least() {
  local rchar
  rchar=$(sed -n 's/^rchar: //p' "/proc/$1/io" 2>/dev/null) || return 1
  [ "${rchar:-0}" -ge "$2" ]
}
stopped() { grep -q '^State:[[:space:]]*T' "/proc/$1/status" 2>/dev/null; }
# ignores_signal PID NUMBER: NUMBER is in PID's SigIgn mask.
ignores_signal() {
  local mask
  mask=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$1/status")
  (((0x$mask >> ($2 - 1)) & 1))
}

# catches_signals PID NUMBER...: PID has handlers for all NUMBERs (SigCgt): a signal sent now is
# answered by the tool, not by the default action of a process still starting.
catches_signals() {
  local mask number
  mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
  [ -n "$mask" ] || return 1
  shift
  for number in "$@"; do (((0x$mask >> (number - 1)) & 1)) || return 1; done
}
wait_catching() { local pid=$1; shift; wait_until 30 "PID $pid handles signals $*" catches_signals "$pid" "$@"; }

# segment_exists SHMID / semaphore_exists SEMID: the System V object with that id exists (ipcs -i
# exits 0 either way).
segment_exists() { ipcs -m | awk '{ print $2 }' | grep -qx "$1"; }
semaphore_exists() { ipcs -s | awk '{ print $2 }' | grep -qx "$1"; }

# now_ms / ms START: a clock in milliseconds, and the milliseconds since START.
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $((t / 1000)); }
ms() { echo $(($(now_ms) - $1)); }

# run COMMAND...: runs COMMAND (at most 60 s); sets RC, ERR (its stderr) and OUT (a file holding
# its stdout).
run() {
  OUT=$W/out.$RANDOM$RANDOM
  RC=0
  timeout 60 "$@" >"$OUT" 2>"$W/err" || RC=$?
  ERR=$(cat "$W/err")
}

# wait_rc PID: waits for a background job; sets RC to its exit status.
wait_rc() { RC=0; wait "$1" || RC=$?; }

# start_holder [OPTIONS...]: a detached holder for $SHM_KEY; sets HP to its PID.
start_holder() {
  HP=$(timeout 60 shm-create -d -q "$@") || return 1
  PIDS+=("$HP")
}

# holder_ready: the segment of $SHM_KEY answers (for a holder started in the foreground).
holder_ready() { shm-read --json >/dev/null 2>&1; }

# stderr_pipe_nobody_reads [FILL]: makes $W/stderr.fifo, a FIFO whose only reader (STDERR_READER,
# in PIDS) is stopped and copies to $W/stderr.log once continued; with FILL, its 64 KiB (the
# default pipe size) are filled first, so that not one more byte fits.
stderr_pipe_nobody_reads() {
  mkfifo "$W/stderr.fifo"
  exec 3<>"$W/stderr.fifo" # opens the FIFO without waiting for the other end
  (kill -STOP "$BASHPID"; exec cat) <&3 >"$W/stderr.log" & STDERR_READER=$!
  PIDS+=("$STDERR_READER")
  wait_until 10 "the stderr reader is stopped" stopped "$STDERR_READER"
  exec 3<&- # only the reader holds the read end now
  [ -z "${1:-}" ] || head -c 65536 /dev/zero >"$W/stderr.fifo"
}

# start_pid_namespace_holder: `shm-create -q -s 64K` as PID 1 of a PID namespace of its own
# (sharing the IPC namespace and TMPDIR, as `docker --ipc=host -v /tmp:/tmp` does); sets
# NS_HOLDER to its PID here and NS_UNSHARE to its parent's, unshare's (in PIDS). Skips where no
# namespace can be made.
start_pid_namespace_holder() {
  local up
  command -v unshare >/dev/null || skip "no unshare"
  unshare --pid --fork --kill-child true 2>/dev/null || skip "cannot make a PID namespace here (needs root)"
  unshare --pid --fork --kill-child shm-create -q -s 64K >"$W/holder.out" 2>&1 & up=$!
  PIDS+=("$up")
  wait_until 30 "the namespaced holder answers" holder_ready
  NS_UNSHARE=$up
  NS_HOLDER=$(pgrep -P "$up") || fail "no holder under unshare"
}

# load_and_read_wait_out_the_repair WHAT [OPTIONS...]: while the holder HP is stopped in the gap
# before its repair, starts a load of "v2" and a read (both with -t 30 and OPTIONS), waits until
# both sleep, continues HP, and fails (naming WHAT) unless both succeed, the read gives a whole
# version (v1 or v2) and a read afterwards gives v2.
load_and_read_wait_out_the_repair() {
  local what=$1 lp rp
  shift
  echo -n v2 >"$W/v2"
  shm-load -q "$@" -t 30 "$W/v2" 2>"$W/load.err" & lp=$!
  shm-read "$@" -t 30 >"$W/read.out" 2>"$W/read.err" & rp=$!
  PIDS+=("$lp" "$rp")
  wait_sleeping_in "$lp" futex
  wait_sleeping_in "$rp" futex
  kill -CONT "$HP"
  wait_rc "$lp"; [ "$RC" = 0 ] || fail "$what: the waiting load: rc=$RC $(cat "$W/load.err")"
  wait_rc "$rp"; [ "$RC" = 0 ] || fail "$what: the waiting read: rc=$RC $(cat "$W/read.err")"
  grep -qx 'v[12]' "$W/read.out" || fail "$what: the waiting read gave: $(head -c 100 "$W/read.out")"
  run shm-read "$@"
  [ "$RC" = 0 ] && [ "$(cat "$OUT")" = v2 ] || fail "$what: after the repair: rc=$RC $ERR"
}

# jget FIELD: a field of `shm-read --json` ("null" when it has none).
jget() { shm-read --json 2>/dev/null | "$JSON_FIELD" "$1"; }

# run_with_aliasing_tmpfs SCRIPT [ARG...]: runs the bash SCRIPT (written by the case) with ARGs
# in mount and IPC namespaces of its own, so that nothing it makes is seen outside and all of it
# goes with them, after support/ftok_alias.sh, with TMPDIR (and T) a tmpfs of its own on which
# files can be made to meet under one System V key. Skips where the namespaces cannot be made;
# passes with the script's last line, fails with its output.
SUPPORT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run_with_aliasing_tmpfs() {
  local script=$1 rc=0
  shift
  unshare --mount --ipc true 2>/dev/null || skip "cannot make mount and IPC namespaces here (needs root)"
  mkdir -m 755 "$W/tmpfs"
  # shellcheck disable=SC2016 # expanded by the inner shell
  unshare --mount --ipc bash -c '. "$1/ftok_alias.sh"; private_tmpfs "$2"; T=$2; shift 2; . "$0" "$@"' \
    "$script" "$SUPPORT_DIR" "$W/tmpfs" "$@" >"$W/inside.out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || fail "rc=$rc: $(cat "$W/inside.out")"
  pass "$(tail -n 1 "$W/inside.out")"
}

# learn_key_file_names: sets NAMES to the names of the key files of $SHM_KEY, learnt from a
# throwaway holder in a directory of its own (stopped again before this returns).
learn_key_file_names() {
  local probe=$TMPDIR/probe pid
  mkdir "$probe"
  pid=$(TMPDIR=$probe timeout 60 shm-create -d -q -s 4096) || fail "the probe holder did not start"
  PIDS+=("$pid")
  mapfile -t NAMES < <(ls "$probe")
  [ "${#NAMES[@]}" -eq 2 ] || fail "expected 2 key files, the probe holder made: ${NAMES[*]}"
  kill "$pid"
  wait_gone "$pid"
  rmdir "$probe"
}

# require_nobody: the test acts as user nobody through runuser; skips (77) where that cannot
# work: not root, or no runuser. The build tree may be out of nobody's reach (/root is 0700), so
# the tools, libshmtools and hostile_peer are copied into a directory under /tmp that every user
# can search (bin/ and lib/, as the tools' RUNPATH $ORIGIN/../lib expects), PATH, SHM_BIN_DIR and
# H point at the copies, and the scratch directory (TMPDIR, W) moves there too. The cleanup
# removes it all.
OTHERS_DIR=""
require_nobody() {
  [ "$(id -u)" -eq 0 ] || skip "needs root to act as user nobody (runuser)"
  command -v runuser >/dev/null || skip "needs runuser (Debian: util-linux)"
  local old=$TMPDIR tool
  OTHERS_DIR=$(mktemp -d /tmp/shm-tools-others.XXXXXX)
  chmod 755 "$OTHERS_DIR"
  mkdir -m 755 "$OTHERS_DIR/bin" "$OTHERS_DIR/lib"
  cp "$SHM_BIN_DIR/shm-create" "$SHM_BIN_DIR/shm-load" "$SHM_BIN_DIR/shm-read" "$OTHERS_DIR/bin/"
  cp -L "$SHM_BIN_DIR"/../lib/libshmtools.so* "$OTHERS_DIR/lib/"
  if [ -n "$H" ]; then cp "$H" "$OTHERS_DIR/bin/" && H=$OTHERS_DIR/bin/$(basename "$H"); fi
  SHM_BIN_DIR=$OTHERS_DIR/bin
  export PATH="$SHM_BIN_DIR:$PATH"
  TMPDIR=$(mktemp -d "$OTHERS_DIR/$CASE.XXXXXX")
  export TMPDIR
  W=$TMPDIR
  mv "$old/small" "$W/small"
  rm -rf "$old"
  for tool in "$SHM_BIN_DIR/shm-read" "$SHM_BIN_DIR/shm-create" "$SHM_BIN_DIR/shm-load" ${H:+"$H"}; do
    runuser -u nobody -- test -x "$tool" || skip "user nobody cannot run $tool, copied for it to $OTHERS_DIR"
  done
}

# plant FILE COMMAND...: runs COMMAND, a hostile_peer plant or plantsem under FILE's key (perhaps
# under runuser), and prints the id it printed. ftok keeps only 16 bits of FILE's inode, so an
# object of another test or program may hold the same key (hostile_peer exits 3): FILE is then
# made anew, with a new inode and the same mode, and COMMAND retried, up to 10 times.
plant() {
  local file=$1 rc=0 try
  shift
  for try in 1 2 3 4 5 6 7 8 9 10; do
    "$@" && return 0 || rc=$?
    [ "$rc" = 3 ] || return "$rc"
    cp -p "$file" "$file.new" && mv -f "$file.new" "$file" || return 1
  done
  return "$rc"
}

# plant_foreign_segment: as user nobody, a segment under this test's System V key (key files
# made by us, readable by nobody); sets PLANTED to its shmid. Needs require_nobody first.
plant_foreign_segment() {
  learn_key_file_names
  local n shmf
  for n in "${NAMES[@]}"; do touch "$W/$n"; chmod 640 "$W/$n"; done
  chmod 711 "$W"; shmf=$W/$(printf '%s\n' "${NAMES[@]}" | grep sharedmemory)
  PLANTED=$(plant "$shmf" runuser -u nobody -- "$H" plant "$shmf" 100000 666) || fail "plant failed"
}

# The shmem huge-page setting (README "Huge pages"), for the cases that switch it; ctest runs them
# alone (RUN_SERIAL), as it changes the setting for the whole machine.
THP_SETTING=/sys/kernel/mm/transparent_hugepage/shmem_enabled
THP_PROBE=${THP_PROBE_BIN:-}
thp_now() { sed 's/.*\[\(.*\)\].*/\1/' "$THP_SETTING"; }
thp_set() { echo "$1" >"$THP_SETTING" || fail "cannot write $1 to $THP_SETTING"; }
# thp_switchable: this test may switch shmem_enabled (root, the file there and writable); the
# cleanup then puts back the value found here, whatever way the test ends. Sets THP_WHY otherwise.
thp_switchable() {
  local original
  THP_WHY=""
  [ "$(id -u)" -eq 0 ] || { THP_WHY="needs root to switch $THP_SETTING"; return 1; }
  [ -e "$THP_SETTING" ] || { THP_WHY="$THP_SETTING missing (no huge pages for shared memory)"; return 1; }
  original=$(thp_now) || { THP_WHY="cannot read $THP_SETTING"; return 1; }
  { echo "$original" >"$THP_SETTING"; } 2>/dev/null || { THP_WHY="$THP_SETTING is not writable here"; return 1; }
  CLEANUPS+=("echo $original >$THP_SETTING")
}
# require_thp_switch: thp_switchable, or skip (77) saying why.
require_thp_switch() { thp_switchable || skip "$THP_WHY"; }
# require_thp_probe: thp_probe can read the kernel's page flags (root, /proc/kpageflags).
require_thp_probe() {
  [ -x "$THP_PROBE" ] || skip "THP_PROBE_BIN (tests/support/thp_probe) not set"
  head -c 8 /proc/kpageflags >/dev/null 2>&1 || skip "/proc/kpageflags is not readable here"
}
# probe_field LINE NAME: a NAME=VALUE word of a thp_probe line.
probe_field() { sed -n "s/.*\\b$2=\\([-0-9]*\\).*/\\1/p" <<<"$1"; }
