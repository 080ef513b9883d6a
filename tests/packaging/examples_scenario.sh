# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# The examples scenario of the packaging tests, sourced after common.sh: examples/ (a separate
# CMake project) built against an installed shm-tools under PREFIX only, and run against the
# installed tools in both directions: shm-create + shm-example-loader + shm-read, and
# shm-create + shm-load + shm-example-reader. Everything runs under a private TMPDIR with a unique
# key; the holder is stopped and its IPC objects checked gone.

holder=
# Stops the holder (SIGTERM removes its segment, semaphore and key files), then the scratch tree.
# shellcheck disable=SC2317,SC2154 # called by the EXIT trap set in common.sh, which sets scratch
cleanup() {
    if [[ -n $holder ]]; then kill "$holder" 2>/dev/null || true; fi
    rm -rf "$scratch"
}

# wait_for_line FILE PATTERN: waits (bounded) until FILE has a line matching PATTERN.
# shellcheck disable=SC2317 # called through check
wait_for_line() {
    local file=$1 pattern=$2 tries
    for ((tries = 0; tries < 600; tries++)); do
        grep -q -- "$pattern" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "no line matching '$pattern' in $file:"
    cat "$file"
    return 1
}

# run_examples PREFIX SOURCE_DIR: the scenario, as checks of the calling test.
run_examples() {
    local prefix=$1 source_dir=$2
    # The examples see the installed package and nothing of the build tree. A sanitized library
    # needs its runtime linked into the programs first.
    flags=()
    shopt -s nullglob
    libraries=("$prefix"/lib*/libshmtools.so.1 "$prefix"/lib/*/libshmtools.so.1)
    ((${#libraries[@]} == 1)) || abort "expected one libshmtools.so.1 under $prefix"
    if readelf -d "${libraries[0]}" 2>/dev/null | grep libasan >/dev/null; then
        flags=("-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined")
    fi
    examples=$scratch/examples
    if cmake -S "$source_dir/examples" -B "$examples" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo "${flags[@]}" >"$scratch/configure.log" 2>&1 &&
        cmake --build "$examples" -j2 >"$scratch/build.log" 2>&1; then
        pass "examples/ configures and builds against the installed package"
    else
        cat "$scratch/configure.log" "$scratch/build.log" 2>/dev/null
        abort "examples/ does not build against the installed package (logs above)"
    fi
    check "find_package(ShmTools) found the installed package" \
        grep -q "^ShmTools_DIR:PATH=$prefix/" "$examples/CMakeCache.txt"
    loader=$examples/shm-example-loader
    reader=$examples/shm-example-reader
    for example in "$loader" "$reader"; do
        check "$(basename "$example") runs with the installed libshmtools.so.1" \
            eval "ldd '$example' | grep '=> $prefix/.*libshmtools.so.1 ' >/dev/null"
    done

    export TMPDIR=$scratch/tmp
    mkdir "$TMPDIR"
    key=shm-examples-$$-$RANDOM
    bin=$prefix/bin


    # No holder yet: the loader fails with the documented code for "no segment".
    status=0
    "$loader" /dev/null "$key" 2>"$scratch/no-holder.err" || status=$?
    check "shm-example-loader without a holder exits 3 (no segment)" test "$status" -eq 3
    check "and says which key" grep -q "$key" "$scratch/no-holder.err"

    holder=$("$bin/shm-create" -d -q -k "$key" -s 1M) || abort "shm-create -d failed"
    shmid=$("$bin/shm-read" -k "$key" --json | sed -n 's/.*"shmid":\([0-9]*\).*/\1/p')
    [[ -n $shmid ]] || abort "shm-read --json shows no shmid"

    # Direction 1: the example loads, the tool reads. Binary content with NUL bytes.
    head -c 300000 /dev/urandom >"$scratch/first"
    check "shm-example-loader loads a file" "$loader" "$scratch/first" "$key"
    "$bin/shm-read" -k "$key" >"$scratch/first.read" || fail "shm-read after shm-example-loader"
    check "shm-read gives back what shm-example-loader loaded, byte for byte" cmp "$scratch/first" "$scratch/first.read"
    "$bin/shm-read" -k "$key" --json >"$scratch/first.json" || fail "shm-read --json"
    check "recorded as generation 1" grep -q '"generation":1,' "$scratch/first.json"
    check "with the file as its source" grep -q "\"source\":\"$scratch/first\"" "$scratch/first.json"

    # Direction 2: the tool loads, the example reads. The reader prints the current version at once,
    # then waits for the next one; the second load happens only once it has shown the first.
    timeout 120 "$reader" "$key" 2 >"$scratch/reader.out" 2>"$scratch/reader.err" &
    reader_pid=$!
    check "shm-example-reader shows the current version (generation 1)" \
        wait_for_line "$scratch/reader.err" "generation 1, 300000 bytes"
    printf 'second version\0with a NUL\n' >"$scratch/second"
    check "shm-load loads the next version" "$bin/shm-load" -q -k "$key" "$scratch/second"
    status=0
    wait "$reader_pid" || status=$?
    check "shm-example-reader exits 0 after two versions" test "$status" -eq 0
    check "it showed generation 2 from shm-load" grep -q "generation 2, 26 bytes from $scratch/second" "$scratch/reader.err"
    check "its stdout is both versions, byte for byte" cmp <(cat "$scratch/first" "$scratch/second") "$scratch/reader.out"

    # Stopping the holder removes everything; the examples then get "no segment" too.
    kill "$holder"
    for ((tries = 0; tries < 600; tries++)); do
        kill -0 "$holder" 2>/dev/null || break
        sleep 0.1
    done
    check "the holder stopped" eval "! kill -0 $holder 2>/dev/null"
    holder=
    check "its segment (shmid $shmid) is gone" eval "! ipcs -m | awk '{ print \$2 }' | grep -x $shmid >/dev/null"
    check "no key files left in TMPDIR" eval "[[ -z \$(ls -A '$TMPDIR') ]]"
    status=0
    "$reader" "$key" 1 >/dev/null 2>&1 || status=$?
    check "shm-example-reader without a holder exits 3 (no segment)" test "$status" -eq 3
}
