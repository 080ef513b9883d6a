#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A non-blocking stdout (O_NONBLOCK set on the pipe by the consumer or the
# shell) to a slow consumer: EAGAIN is waited out with poll(), the consumer takes as long as it
# needs, every byte arrives, exit 0. Also for --follow and for the JSON text.
. "$(dirname "$0")/../support/common.sh"
command -v perl >/dev/null || skip "needs perl (Debian: perl-base) to set O_NONBLOCK on a pipe"
# nonblocking COMMAND...: runs COMMAND with O_NONBLOCK set on its stdout's open file description.
nonblocking() {
  perl -MFcntl -e 'my $f = fcntl(STDOUT, F_GETFL, 0) or die "F_GETFL: $!";
    fcntl(STDOUT, F_SETFL, $f | O_NONBLOCK) or die "F_SETFL: $!";
    exec { $ARGV[0] } @ARGV or die "exec: $!"' "$@"
}
# slow: a consumer that pauses 5 ms after every 64 KiB.
slow() {
  perl -e 'while (my $n = sysread(STDIN, my $b, 65536)) { select(undef, undef, undef, 0.005); syswrite(STDOUT, $b) }'
}
start_holder -s 16M || fail "holder"
head -c 8000000 /dev/urandom >"$W/big"
shm-load -q "$W/big" || fail "load"

set +e
nonblocking shm-read 2>"$W/err" | slow >"$W/back"
status=("${PIPESTATUS[@]}")
set -e
[ "${status[0]}" = 0 ] || fail "shm-read to a non-blocking pipe: rc=${status[0]}: $(cat "$W/err")"
cmp -s "$W/big" "$W/back" || fail "the content read through a non-blocking pipe differs ($(stat -c %s "$W/back") bytes)"

# --follow: the current version is skipped, the next one is delivered whole through the same kind of pipe.
nonblocking shm-read --follow -t 60 2>"$W/ferr" | slow >"$W/followed" & fp=$!
PIDS+=("$fp")
follower() { for q in $(marked_pids); do [ "$(cat "/proc/$q/comm" 2>/dev/null)" = shm-read ] && echo "$q"; done; true; }
waiting() { local q; q=$(follower); [ -n "$q" ] && sleeping_in "$q" futex; }
wait_until 30 "the follower waits" waiting
fq=$(follower)
shm-load -q "$W/big" || fail "second load"
has_all() { [ "$(stat -c %s "$W/followed")" -ge 8000000 ]; }
wait_until 60 "the followed version arrived" has_all
kill -INT "$fq"
wait_gone "$fq"
cmp -s "$W/big" "$W/followed" || fail "--follow through a non-blocking pipe differs: $(cat "$W/ferr")"

set +e
nonblocking shm-read --json 2>"$W/jerr" | slow >"$W/json"
status=("${PIPESTATUS[@]}")
set -e
[ "${status[0]}" = 0 ] && grep -q '"generation":2' "$W/json" || fail "--json: rc=${status[0]} $(cat "$W/jerr")"
pass "8 MB through a non-blocking pipe to a slow consumer, read and followed"
