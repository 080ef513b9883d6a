#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `shm-create -d` with stderr a full pipe nobody reads prints the PID and exits
# (0, well within 5 s: its status line waits at most half a second), the holder serves; before,
# it blocked forever on its status line. With a size the orphan does not have, the starting
# child's own notice (the capacity line) must not block it either.
. "$(dirname "$0")/../support/common.sh"
stderr_pipe_nobody_reads full

t=$(now_ms); RC=0; HP=$(timeout 20 shm-create -d -s 64K 2>"$W/stderr.fifo") || RC=$?; el=$(ms "$t")
[ -n "$HP" ] && PIDS+=("$HP")
[ "$RC" = 0 ] || fail "shm-create -d exit $RC after ${el}ms with stderr full (124: blocked)"
[ "$el" -lt 5000 ] || fail "shm-create -d took ${el}ms with stderr full"
holder_ready || fail "the holder $HP does not serve"
echo v | shm-load -q - || fail "load"
# An orphan adopted with another -s prints a notice from the starting child: no blocking there.
kill -KILL "$HP"; wait_gone "$HP"
t=$(now_ms); RC=0; HP=$(timeout 20 shm-create -d -s 128K 2>"$W/stderr.fifo") || RC=$?; el=$(ms "$t")
[ -n "$HP" ] && PIDS+=("$HP")
[ "$RC" = 0 ] && [ "$el" -lt 5000 ] || fail "adopting -d exit $RC after ${el}ms with stderr full"
[ "$(shm-read)" = v ] || fail "content lost on adoption"
pass "returned in ${el}ms with the PID; the holder serves"
