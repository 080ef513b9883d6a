#!/usr/bin/env bash
# Benchmarks shm-tools on this machine against what a script would otherwise use (cp/cat to
# /dev/shm, Python's multiprocessing.shared_memory, an empty Qt program) and prints medians of
# paired runs, after the host's floor (what page-table work and a kernel copy cost here).
# Usage: scripts/bench.sh [--quick] [--markdown] [--huge-pages]
#   --quick       fewer sizes, runs and events: a smoke run of about a minute
#   --markdown    print the tables as Markdown (for the README)
#   --huge-pages  run everything twice: with 4 KiB pages (shmem_enabled=never), then with shmem
#                 huge pages (shmem_enabled=advise); as root; the setting is restored on exit
# Progress goes to stderr, the tables to stdout.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quick=0 markdown=() huge=0
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    --markdown) markdown=(--markdown) ;;
    --huge-pages) huge=1 ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench.sh: unknown option '$arg'; see --help" >&2; exit 2 ;;
  esac
done

log() { echo "bench: $*" >&2; }

# The kernel's choice for System V segments (and shared anonymous memory): huge pages or not.
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
thp_setting() { sed 's/.*\[\(.*\)\].*/\1/' "$thp"; }
if [ "$huge" -eq 1 ]; then
  if [ "$(id -u)" -ne 0 ] || [ ! -w "$thp" ]; then
    echo "bench.sh: --huge-pages switches $thp and needs root" >&2
    exit 2
  fi
fi

# time: /usr/bin/time for peak RSS; python3: the timing helper and the Python baseline.
ensure_packages "to build the tools and run the benchmark" "${build_packages[@]}" time python3

# Debian's interpreter, never a version-manager shim: a shim's own start-up would be timed too.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
helpers=$repo_root/scripts/bench
build_dir=$repo_root/build-bench
bin=$build_dir/src
tools=$build_dir/bench
key=bench-$$
fresh_key=bench-fresh-$$
cp_target=/dev/shm/shm-bench-cp-$$
read_copy=/dev/shm/shm-bench-read-$$
py_block=shm-bench-py-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/shm-bench.XXXXXX")
case "$repo_root$work" in
  *[[:space:]]*) echo "bench.sh: paths with blanks are not supported ($repo_root, $work)" >&2; rm -rf "$work"; exit 2 ;;
esac
results=$work/results.jsonl
# The experiment's Unix socket: in /tmp, whatever TMPDIR is, since a socket path has at most 107
# bytes (fd_pass refuses a longer one).
fd_socket_dir=$(mktemp -d /tmp/shm-bench-fd.XXXXXX)
fd_socket=$fd_socket_dir/fd.sock
fresh_pidfile=$work/fresh-holder.pid
holder='' py_holder='' fd_server='' original_thp='' measuring=''

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$measuring" ]; then
    # bench.py takes SIGTERM as Ctrl-C: it stops what it started, then dies.
    kill -TERM "$measuring" 2>/dev/null || true
    wait "$measuring" 2>/dev/null || true
  fi
  stop_holder
  stop_fd_server
  if [ -e "$fresh_pidfile" ]; then "$helpers/fresh_holder.sh" "$fresh_pidfile" || true; fi
  if [ -n "$py_holder" ]; then
    kill "$py_holder" 2>/dev/null || true
    wait "$py_holder" 2>/dev/null || true
  fi
  rm -f "$cp_target" "$read_copy" "/dev/shm/$py_block"
  rm -rf "$work" "$fd_socket_dir"
  if [ -n "$original_thp" ]; then echo "$original_thp" >"$thp"; fi
  exit "$rc"
}
stop_holder() {
  [ -n "$holder" ] || return 0
  # SIGTERM makes the holder remove the segment, the semaphore and both key files.
  kill "$holder" 2>/dev/null || true
  # Not our child: poll until it is gone or a zombie (it has cleaned up by then).
  for _ in $(seq 100); do
    case $(sed 's/.*) //' "/proc/$holder/stat" 2>/dev/null) in ''|Z*) break ;; esac
    sleep 0.05
  done
  holder=''
}
stop_fd_server() {
  [ -n "$fd_server" ] || return 0
  kill "$fd_server" 2>/dev/null || true
  wait "$fd_server" 2>/dev/null || true
  fd_server=''
  rm -f "$fd_socket"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- build
# The load average before our own build raises it: the fair sign of other work on the machine.
"$py" "$helpers/bench.py" meta --results "$results" --phase before-build
log "building Release into $build_dir"
# SHM_WERROR=ON spelled out: a build-bench/ configured by an older bench.sh cached it as OFF.
if ! build "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSHM_BUILD_TESTS=OFF -DSHM_WERROR=ON \
     >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 1
fi
mkdir -p "$tools"
# shellcheck disable=SC2046  # pkg-config prints several words on purpose
g++ -std=c++20 -O2 -fPIC -o "$tools/empty_qt" "$helpers/empty_qt.cpp" $(pkg-config --cflags --libs Qt6Core)
g++ -std=c++20 -O2 -fPIC -shared -o "$tools/publish_stamp.so" "$helpers/publish_stamp.cpp" -ldl
# The checksum alone, through the core library just built (same code and flags as the tools).
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -fPIC -I"$repo_root/src/lib" -o "$tools/checksum_cost" "$helpers/checksum_cost.cpp" \
  "$bin/libshm_core.a" $(pkg-config --cflags --libs Qt6Core) -pthread
# The host's floor, mapping segments as the tools do (huge_pages.cpp).
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -fPIC -I"$repo_root/src/lib" -o "$tools/floor" "$helpers/floor.cpp" \
  "$bin/libshm_core.a" $(pkg-config --cflags --libs Qt6Core) -pthread
# The fd-passing prototype; linked with Qt6Core although it calls none of it, so that its client
# starts up like shm-read and shm-load do.
# shellcheck disable=SC2046
g++ -std=c++20 -O2 -fPIC -I"$repo_root/src/lib" -o "$tools/fd_pass" "$helpers/fd_pass.cpp" \
  "$bin/libshm_core.a" -Wl,--no-as-needed $(pkg-config --cflags --libs Qt6Core) -Wl,--as-needed -pthread

# ---------------------------------------------------------------- plan
# size label, bytes, timed runs
if [ "$quick" -eq 1 ]; then
  plan=("4 KiB:4096:5" "64 MiB:67108864:5")
  experiment=("4 KiB:4096:5" "64 MiB:67108864:5")
  events=50 idle_seconds=2 rss_runs=1 floor_bytes=67108864 floor_runs=3 concurrent_runs=3 capacity=64M
else
  plan=("4 KiB:4096:21" "1 MiB:1048576:21" "64 MiB:67108864:15" "256 MiB:268435456:11" "1 GiB:1073741824:5")
  experiment=("4 KiB:4096:21" "64 MiB:67108864:15" "256 MiB:268435456:11")
  events=300 idle_seconds=5 rss_runs=3 floor_bytes=268435456 floor_runs=7 concurrent_runs=7 capacity=1G
fi
# The target rows are 256 MiB (64 MiB in a quick run).
target=${plan[-1]}
[ "$quick" -eq 1 ] || target=${plan[3]}
target_label=${target%%:*} target_bytes=$(echo "$target" | cut -d: -f2)
target_runs=${target##*:}

log "writing the input files (random bytes) and reading them into the page cache"
for entry in "${plan[@]}"; do
  bytes=$(echo "$entry" | cut -d: -f2)
  head -c "$bytes" /dev/urandom >"$work/in-$bytes"
  cat "$work/in-$bytes" >/dev/null
done
# Written back now, not by the flusher in the middle of the first timings.
sync

# In the background and waited for, so that a signal to this script alone (`kill PID`, `timeout`)
# runs its trap at once rather than after the measurement in progress; the cleanup stops it.
bench() {
  "$py" "$helpers/bench.py" "$@" &
  measuring=$!
  wait "$measuring"
  measuring=''
}
bench meta --results "$results" --phase start
load_cmd="$bin/shm-load -q -k $key"
read_cmd="$bin/shm-read -q -k $key"

# Everything that depends on the page size, for one setting of shmem_enabled.
measure_pages() {
  local tag=$1
  log "pages: $tag (shmem_enabled: $(thp_setting))"
  # A new holder: whether a page is huge is decided when it is first touched, and stays so.
  holder=$("$bin/shm-create" -q -d -s "$capacity" -k "$key")

  bench floor --results "$results" --floor "$tools/floor" --bytes "$floor_bytes" --runs "$floor_runs" --tag "$tag" \
    --input "$work/in-$floor_bytes"
  bench group --results "$results" --section copy --label "$target_label" --tag "$tag" --runs "$target_runs" \
    --cmd "dd=dd if=$work/in-$target_bytes of=/dev/null bs=1M status=none" --median dd

  # Load and read at every size, side by side with cp and cat (both slots warm: two warm-ups).
  for entry in "${plan[@]}"; do
    IFS=: read -r label bytes runs <<<"$entry"
    file=$work/in-$bytes
    $load_cmd "$file"
    cp "$file" "$read_copy"
    bench group --results "$results" --section scale --label "$label" --tag "$tag" --runs "$runs" \
      --cmd "shm-load=$load_cmd $file" \
      --cmd "cp=cp $file $cp_target" --untimed "cp=rm -f $cp_target" \
      --cmd "shm-read >null=$read_cmd >/dev/null" \
      --cmd "cat >null=cat $read_copy >/dev/null" \
      --cmd "shm-read | cat=$read_cmd | cat >/dev/null" \
      --cmd "cat | cat=cat $read_copy | cat >/dev/null" \
      --row shm-load cp --row "shm-read >null" "cat >null" --row "shm-read | cat" "cat | cat"
  done

  # The pipe target, once more against cats joined by a pipe as large as the one shm-read makes
  # of its stdout: how much of `shm-read | cat` against `cat | cat` is the pipe's size.
  $load_cmd "$work/in-$target_bytes"
  cp "$work/in-$target_bytes" "$read_copy"
  bench group --results "$results" --section "1 MiB pipe" --label "$target_label" --tag "$tag" \
    --runs "$target_runs" \
    --cmd "cat | cat=cat $read_copy | cat >/dev/null" \
    --cmd "cat |1M cat=cat $read_copy |1M cat >/dev/null" \
    --cmd "shm-read | cat=$read_cmd | cat >/dev/null" \
    --row "cat |1M cat" "cat | cat" --row "shm-read | cat" "cat |1M cat"

  # 16 readers at once of one 64 MiB version, against 16 cats of a 64 MiB file.
  $load_cmd "$work/in-67108864"
  cp "$work/in-67108864" "$read_copy"
  bench group --results "$results" --section concurrency --label "16 readers of 64 MiB" --tag "$tag" \
    --runs "$concurrent_runs" --concurrent "shm-read >null=16" --concurrent "cat >null=16" \
    --cmd "shm-read >null=$read_cmd >/dev/null" --cmd "cat >null=cat $read_copy >/dev/null" \
    --row "shm-read >null" "cat >null"

  # A first load: every timed shm-load goes into a segment whose holder was started just before
  # (untimed), so its pages are allocated during the load, as cp's are. The rows above are the
  # steady state: their segment's two slots keep their pages from the warm-up rounds on.
  "$helpers/fresh_holder.sh" "$fresh_pidfile" "$bin" "$fresh_key" "$target_bytes"
  bench group --results "$results" --section "first load" --label "$target_label" --tag "$tag" --runs "$target_runs" \
    --cmd "shm-load (fresh holder)=$bin/shm-load -q -k $fresh_key $work/in-$target_bytes" \
    --untimed "shm-load (fresh holder)=$helpers/fresh_holder.sh $fresh_pidfile $bin $fresh_key $target_bytes" \
    --cmd "cp=cp $work/in-$target_bytes $cp_target" --untimed "cp=rm -f $cp_target" \
    --row "shm-load (fresh holder)" cp
  "$helpers/fresh_holder.sh" "$fresh_pidfile"

  # The experiment: the holder writes into the reader's descriptor instead of the reader mapping.
  for entry in "${experiment[@]}"; do
    IFS=: read -r label bytes runs <<<"$entry"
    file=$work/in-$bytes
    "$tools/fd_pass" serve "$fd_socket" "$bytes" "$file" >"$work/fd.ready" &
    fd_server=$!
    for _ in $(seq 100); do grep -q ready "$work/fd.ready" && break; sleep 0.05; done
    $load_cmd "$file"
    bench group --results "$results" --section experiment --label "$label" --tag "$tag" --runs "$runs" \
      --cmd "fd read >null=$tools/fd_pass read $fd_socket >/dev/null" \
      --cmd "shm-read >null=$read_cmd >/dev/null" \
      --cmd "fd read | cat=$tools/fd_pass read $fd_socket | cat >/dev/null" \
      --cmd "shm-read | cat=$read_cmd | cat >/dev/null" \
      --cmd "fd load=$tools/fd_pass load $fd_socket $file" \
      --cmd "shm-load=$load_cmd $file" \
      --row "fd read >null" "shm-read >null" --row "fd read | cat" "shm-read | cat" --row "fd load" shm-load
    stop_fd_server
  done
  stop_holder
}

if [ "$huge" -eq 1 ]; then
  original_thp=$(thp_setting)
  echo never >"$thp"
  measure_pages "4 KiB pages"
  echo advise >"$thp"
  measure_pages "huge pages"
  echo "$original_thp" >"$thp"
  original_thp=''
else
  case $(thp_setting 2>/dev/null) in
    advise|within_size|always|force) measure_pages "huge pages" ;;
    *) measure_pages "4 KiB pages" ;;
  esac
fi

# ---------------------------------------------------------------- what does not depend on pages
holder=$("$bin/shm-create" -q -d -s "$capacity" -k "$key")
"$py" "$helpers/py_shm.py" hold "$py_block" "$target_bytes" &
py_holder=$!
for _ in $(seq 50); do [ -e "/dev/shm/$py_block" ] && break; sleep 0.1; done
[ -e "/dev/shm/$py_block" ] || { log "the Python holder did not create /dev/shm/$py_block"; exit 1; }
# A pair of its own: any process started right after py_shm.py runs slower on this VM (shm-load
# 4 KiB: 4.3 ms instead of 2.7 ms), which must not leak into other pairs.
bench group --results "$results" --section python --label "$target_label" --runs "$target_runs" \
  --cmd "shm-load=$load_cmd $work/in-$target_bytes" \
  --cmd "py shm (whole process)=$py $helpers/py_shm.py load $py_block $work/in-$target_bytes $work/py-inproc" \
  --samples "py readinto (in-process)=$work/py-inproc" \
  --row shm-load "py shm (whole process)" --row shm-load "py readinto (in-process)"

# XXH3 alone (checksum_cost, one timed run per process, written to the sample files) alternating
# with the tools it is part of, so that the share checksum/tool comes from paired runs.
bench group --results "$results" --section checksum --label "$target_label" --runs "$target_runs" \
  --cmd "shm-load=$load_cmd $work/in-$target_bytes" \
  --cmd "shm-read >null=$read_cmd >/dev/null" \
  --cmd "shm-read | cat=$read_cmd | cat >/dev/null" \
  --cmd "checksum_cost=$tools/checksum_cost $target_bytes 1 $work/xxh3-one-call $work/xxh3-per-chunk" \
  --samples "XXH3 per 256 KiB chunk=$work/xxh3-per-chunk" --samples "XXH3 one call=$work/xxh3-one-call" \
  --row "XXH3 per 256 KiB chunk" shm-load --row "XXH3 one call" "shm-read >null" \
  --row "XXH3 one call" "shm-read | cat"

# Start-up: 4 KiB, where process start-up is all there is.
bench group --results "$results" --section start-up --label "4 KiB" --runs 21 \
  --cmd "shm-load && shm-read=$load_cmd $work/in-4096 && $read_cmd >/dev/null" \
  --cmd "empty Qt ×2=$tools/empty_qt && $tools/empty_qt" \
  --cmd "shm-load=$load_cmd $work/in-4096" \
  --cmd "shm-read=$read_cmd >/dev/null" \
  --cmd "empty Qt=$tools/empty_qt" \
  --cmd "/bin/true=/bin/true" \
  --row "shm-load && shm-read" "empty Qt ×2" --row shm-load "empty Qt" --row shm-read "empty Qt" \
  --row "empty Qt" /bin/true

# ---------------------------------------------------------------- peak RSS
file=$work/in-$target_bytes
$load_cmd "$file"
cp "$file" "$read_copy"
bench rss --results "$results" --label "$target_label" --tmp "$work" --runs "$rss_runs" \
  --cmd "shm-load -q FILE=$load_cmd $file" \
  --cmd "shm-read >/dev/null=$read_cmd >/dev/null" \
  --cmd "shm-read | cat=$read_cmd | cat >/dev/null" \
  --cmd "cp FILE /dev/shm/x=cp $file $cp_target" \
  --cmd "cat /dev/shm/x >/dev/null=cat $read_copy >/dev/null" \
  --cmd "python py_shm.py load=$py $helpers/py_shm.py load $py_block $file $work/py-rss" \
  --cmd "empty Qt=$tools/empty_qt" \
  --untimed "rm -f $cp_target"

# ---------------------------------------------------------------- wake-up latency, idle CPU
bench latency --results "$results" --bin "$bin" --key "$key" --file "$work/in-4096" \
  --shim "$tools/publish_stamp.so" --tmp "$work" --events "$events"
bench idle --results "$results" --bin "$bin" --key "$key" --seconds "$idle_seconds"

bench meta --results "$results" --phase end
cp "$results" "$build_dir/bench-results.jsonl"
log "raw samples: $build_dir/bench-results.jsonl"
bench report --results "$results" "${markdown[@]}"
