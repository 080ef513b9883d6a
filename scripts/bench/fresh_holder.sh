#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# For scripts/bench.sh's first-load row: a fresh segment for every timed shm-load.
#   fresh_holder.sh PIDFILE                  stop the holder named in PIDFILE, if any
#   fresh_holder.sh PIDFILE BIN KEY SIZE     the same, then start a new holder (no pages touched
#                                            yet) and write its PID to PIDFILE
set -euo pipefail
pidfile=$1
if [ -s "$pidfile" ]; then
  pid=$(cat "$pidfile")
  # SIGTERM makes the holder remove the segment (freeing its pages), the semaphore and key files.
  kill "$pid" 2>/dev/null || true
  # Not our child: poll until it is gone or a zombie (it has cleaned up by then).
  for _ in $(seq 500); do
    case $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) in ''|Z*) break ;; esac
    sleep 0.01
  done
  : >"$pidfile"
fi
if [ $# -eq 4 ]; then
  "$2/shm-create" -q -d -s "$4" -k "$3" >"$pidfile"
fi
