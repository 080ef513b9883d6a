#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks shm-tools on this machine against what a script would use instead (cp and cat of a
# tmpfs file, `cat | cat`, an empty Qt program, /bin/true), side by side in one run, and writes
# docs/benchmarks.md: medians, ratios, the targets with their verdicts, and the machine.
# Usage: scripts/bench.sh [--quick] [--huge-pages] [--output FILE] [--build-dir DIR]
#   --quick          4 KiB and 64 MiB only, 5 runs each (targets checked at 64 MiB): a smoke
#                    run; writes DIR/benchmarks-quick.md unless --output is given
#   --huge-pages     as root: everything page-size dependent twice, with shmem_enabled never,
#                    then advise; the setting is restored on exit, also after Ctrl-C
#   --output FILE    where the report goes (default docs/benchmarks.md)
#   --build-dir DIR  the Release build (default build-bench/ in the source tree)
# Whole processes are timed by hyperfine; scripts/bench/*.cpp measure what it cannot (the host's
# floor in-process, wake-up latency, idle CPU, peak RSS); scripts/bench/report.py writes the report.
# Progress goes to stderr, the report also to stdout.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The rest is one compound command, which bash reads whole before running any of it: a file
# edited or updated (git pull) during a run cannot make bash run other lines, such as the ones
# that switch shmem_enabled.
{
quick=0 huge=0 output='' build_dir=$repo_root/build-bench
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --huge-pages) huge=1 ;;
    --output) output=${2:?--output needs a FILE}; shift ;;
    --build-dir) build_dir=${2:?--build-dir needs a DIR}; shift ;;
    -h|--help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "bench.sh: unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$output" ]; then
  if [ "$quick" -eq 1 ]; then output=$build_dir/benchmarks-quick.md; else output=$repo_root/docs/benchmarks.md; fi
fi
log() { echo "bench: $*" >&2; }

# The kernel's choice for System V segments: huge pages or not.
thp=/sys/kernel/mm/transparent_hugepage/shmem_enabled
thp_setting() { if [ -r "$thp" ]; then sed 's/.*\[\(.*\)\].*/\1/' "$thp"; else echo unavailable; fi; }
if [ "$huge" -eq 1 ] && { [ "$(id -u)" -ne 0 ] || [ ! -w "$thp" ]; }; then
  echo "bench.sh: --huge-pages switches $thp and needs root" >&2
  exit 2
fi

# hyperfine times the whole processes; python3 (Debian's, /usr/bin/python3) writes the report.
ensure_packages "to build the tools and run the benchmark" "${build_packages[@]}" "${bench_packages[@]}"

key=bench-$$ fresh_key=bench-fresh-$$
cp_target=/dev/shm/shm-bench-cp-$$ read_copy=/dev/shm/shm-bench-read-$$ py_block=shm-bench-py-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/shm-bench.XXXXXX")
case "$repo_root$work$build_dir" in
  *[[:space:]]*) echo "bench.sh: paths with blanks are not supported ($repo_root, $work, $build_dir)" >&2
                 rm -rf "$work"; exit 2 ;;
esac
results=$work/results
mkdir "$results"
fresh_pidfile=$work/fresh-holder.pid
holder='' py_holder='' original_thp='' measuring=''

# shellcheck disable=SC2317  # run by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ -n "$measuring" ]; then
    # hyperfine or a helper in progress, and the command hyperfine runs (a cp must not write its
    # file after the rm below); bench_follow stops its follower and loader itself.
    # shellcheck disable=SC2046  # the children's PIDs, one word each
    kill -TERM "$measuring" $(cat "/proc/$measuring/task/"*/children 2>/dev/null) 2>/dev/null || true
    wait "$measuring" 2>/dev/null || true
  fi
  stop_holder
  stop_py_holder
  if [ -e "$fresh_pidfile" ]; then "$repo_root/scripts/bench/fresh_holder.sh" "$fresh_pidfile" || true; fi
  rm -f "$cp_target" "$read_copy" "/dev/shm/$py_block"
  rm -rf "$work"
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
# SIGTERM makes py_shm.py unlink its block.
stop_py_holder() {
  [ -n "$py_holder" ] || return 0
  kill "$py_holder" 2>/dev/null || true
  wait "$py_holder" 2>/dev/null || true
  py_holder=''
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# measure COMMAND...: in the background and waited for, so that a signal to this script alone
# (`kill PID`, timeout(1)) runs its trap at once rather than after the measurement in progress.
measure() {
  "$@" &
  measuring=$!
  wait "$measuring"
  measuring=''
}
# hf NAME HYPERFINE_ARGS...: one hyperfine run, its results in $results/NAME.json.
hf() {
  local name=$1
  shift
  measure hyperfine --style basic --warmup 2 --export-json "$results/$name.json" "$@" >&2
}
note_load() { cut -d' ' -f1-3 /proc/loadavg >"$results/load-$1"; }

# ---------------------------------------------------------------- build
note_load before-build # before our own build raises it
log "building Release into $build_dir"
if ! { cmake -S "$repo_root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSHM_BUILD_TESTS=OFF \
         -DBUILD_TESTING=OFF -DSHM_BUILD_BENCH=ON -DSHM_WERROR=ON &&
       cmake --build "$build_dir" -j "$(nproc)" --target shm-create shm-load shm-read bench_empty_qt \
         bench_floor bench_follow bench_publish_stamp bench_peak_rss; } >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 1
fi
bin=$build_dir/src tools=$build_dir/scripts/bench helpers=$repo_root/scripts/bench
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
"$compiler" --version | head -n 1 >"$work/results/compiler"

# ---------------------------------------------------------------- plan
# size label:bytes:runs; the targets are checked at the last size (256 MiB, 64 MiB when quick).
if [ "$quick" -eq 1 ]; then
  plan=("4 KiB:4096:5" "64 MiB:67108864:5")
  events=50 idle_seconds=2 rss_runs=1 floor_runs=3 startup_runs=11 capacity=64M
else
  plan=("4 KiB:4096:21" "1 MiB:1048576:21" "64 MiB:67108864:15" "256 MiB:268435456:11")
  events=300 idle_seconds=5 rss_runs=3 floor_runs=7 startup_runs=21 capacity=256M
fi
IFS=: read -r target_label target_bytes target_runs <<<"${plan[-1]}"
echo "$target_bytes" >"$results/target-bytes"
if [ "$quick" -eq 1 ]; then echo quick; else echo full; fi >"$results/mode"

log "writing the input files (random bytes) and reading them into the page cache"
for entry in "${plan[@]}"; do
  IFS=: read -r _ bytes _ <<<"$entry"
  head -c "$bytes" /dev/urandom >"$work/in-$bytes"
  cat "$work/in-$bytes" >/dev/null
done
sync # written back now, not by the flusher in the middle of a timing
note_load start
load=("$bin/shm-load" -q -k "$key") reader=("$bin/shm-read" -q -k "$key")

# Everything that depends on the page size, for one setting of shmem_enabled (TAG: small, huge).
measure_pages() {
  local tag=$1 label bytes runs file
  log "pages: $tag (shmem_enabled: $(thp_setting))"
  thp_setting >"$results/shmem-$tag"
  # A new holder: whether a page is huge is decided when it is first touched, and stays so.
  holder=$("$bin/shm-create" -q -d -s "$capacity" -k "$key")
  file=$work/in-$target_bytes
  measure "$tools/bench_floor" "$target_bytes" "$floor_runs" "$file" >"$results/floor-$tag.json"

  # Load and read at every size against cp and cat (stdout is /dev/null unless piped). -N: no
  # shell; a pipe runs in `sh -c` on both sides (hyperfine's own correction for a shell's
  # start-up is noise at 4 KiB, where it can make `cat | cat` take 0 ms).
  for entry in "${plan[@]}"; do
    IFS=: read -r label bytes runs <<<"$entry"
    file=$work/in-$bytes
    "${load[@]}" "$file"
    cp "$file" "$read_copy"
    log "$tag: $label"
    hf "scale-$tag-$bytes" -N --runs "$runs" \
      --prepare true -n shm-load "${load[*]} $file" \
      --prepare "rm -f $cp_target" -n cp "cp $file $cp_target" \
      --prepare true -n "shm-read >/dev/null" "${reader[*]}" \
      --prepare true -n "cat >/dev/null" "cat $read_copy"
    hf "pipe-$tag-$bytes" -N --runs "$runs" \
      -n "shm-read | cat" "sh -c '${reader[*]} | cat'" \
      -n "cat | cat" "sh -c 'cat $read_copy | cat'"
  done

  # 16 readers at once of the version loaded last (the largest size), against 16 cats.
  local readers='' cats=''
  for _ in $(seq 16); do readers+="${reader[*]} & " cats+="cat $read_copy & "; done
  hf "concurrency-$tag" -N --runs "$target_runs" \
    -n "16 × shm-read" "sh -c '${readers}wait'" -n "16 × cat" "sh -c '${cats}wait'"

  # A first load: every timed shm-load goes into a segment whose holder was started just before
  # (untimed), so it allocates its pages during the load, as cp does; the rows above are the
  # steady state of a holder whose two slots were loaded before.
  file=$work/in-$target_bytes
  hf "first-load-$tag" -N --runs "$target_runs" \
    --prepare "$helpers/fresh_holder.sh $fresh_pidfile $bin $fresh_key $target_bytes" \
    -n "shm-load (fresh holder)" "$bin/shm-load -q -k $fresh_key $file" \
    --prepare "rm -f $cp_target" -n cp "cp $file $cp_target"
  "$helpers/fresh_holder.sh" "$fresh_pidfile"
  stop_holder
}

if [ "$huge" -eq 1 ]; then
  original_thp=$(thp_setting)
  echo never >"$thp"
  measure_pages small
  echo advise >"$thp"
  measure_pages huge
  echo "$original_thp" >"$thp"
  original_thp=''
else
  case $(thp_setting) in
    advise|within_size|always|force) measure_pages huge ;;
    *) measure_pages small ;;
  esac
fi

# ---------------------------------------------------------------- what does not depend on pages
holder=$("$bin/shm-create" -q -d -s "$capacity" -k "$key")
"${load[@]}" "$work/in-4096"
log "start-up"
hf startup -N --runs "$startup_runs" \
  -n shm-load "${load[*]} $work/in-4096" -n shm-read "${reader[*]}" -n "empty Qt" "$tools/bench_empty_qt" -n /bin/true /bin/true

# What a Python script would use instead: multiprocessing.shared_memory, a block created once.
log "Python's shared_memory at $target_label"
/usr/bin/python3 "$helpers/py_shm.py" hold "$py_block" "$target_bytes" &
py_holder=$!
for _ in $(seq 100); do [ -e "/dev/shm/$py_block" ] && break; sleep 0.05; done
file=$work/in-$target_bytes
hf python -N --runs "$target_runs" -n shm-load "${load[*]} $file" \
  -n "python3 shared_memory" "/usr/bin/python3 $helpers/py_shm.py load $py_block $file"
stop_py_holder

log "peak RSS at $target_label"
file=$work/in-$target_bytes
"${load[@]}" "$file"
rss() { printf '"%s": ' "$1"; shift; measure "$tools/bench_peak_rss" "$rss_runs" "$@"; }
{
  echo '{'
  rss shm-load "${load[@]}" "$file"; echo ,
  rss "shm-read >/dev/null" "${reader[@]}"; echo ,
  rss "cp FILE /dev/shm/x" cp "$file" "$cp_target"; echo ,
  rss "cat /dev/shm/x" cat "$read_copy"; echo ,
  rss "empty Qt" "$tools/bench_empty_qt"
  echo '}'
} >"$results/rss.json"
rm -f "$cp_target"

log "wake-up latency ($events events) and an idle follower ($idle_seconds s)"
measure "$tools/bench_follow" "$bin" "$key" "$work/in-4096" "$tools/libbench_publish_stamp.so" "$events" \
  "$idle_seconds" >"$results/follow.json"
stop_holder
note_load end

rm -rf "$build_dir/bench-results"
cp -r "$results" "$build_dir/bench-results"
mkdir -p "$(dirname "$output")"
/usr/bin/python3 "$helpers/report.py" "$results" >"$output"
log "raw results: $build_dir/bench-results; report: $output"
cat "$output"
exit
}
