#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A foreign program took the lock without SEM_UNDO, held it a while, and died;
# its PID was then reused at once. The holder must see through the reuse (the process now at that
# PID started after the lock was taken) and release the lock; while the taker lived, it must not
# have stolen it. Runs in a PID namespace of its own (unshare --pid --fork --mount-proc), where
# /proc/sys/kernel/ns_last_pid picks the next PID without touching the machine. On main e9c9e2c
# the lock stayed taken for ever (tools timed out naming the unrelated process).
. "$(dirname "$0")/../support/common.sh"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
unshare --pid --fork --mount-proc true 2>/dev/null || skip "unshare --pid --mount-proc is not permitted here"
cat >"$W/inner.sh" <<'INNER'
set -u
hp=$(timeout 30 shm-create -d -q -s 4K) || { echo "holder did not start"; exit 1; }
echo v | shm-load -q - || { echo "first load failed"; kill "$hp"; exit 1; }
semid=$(shm-read --json | "$JSON_FIELD_BIN" semid)
"$HOSTILE_PEER_BIN" take "$semid" 4 >"$TMPDIR/taken" &
taker=$!
until [ -s "$TMPDIR/taken" ]; do sleep 0.02; done
# While the taker lives, the lock is its: a load gives up (7), the holder steals nothing.
timeout 30 shm-load -q -t 2 - <<<"x" 2>"$TMPDIR/live.err"; live=$?
wait "$taker"
# The next process gets the taker's PID.
echo $((taker - 1)) >/proc/sys/kernel/ns_last_pid
sleep 60 &
reuser=$!
start=$(date +%s%N)
timeout 30 shm-load -q -t 10 - <<<"after" 2>"$TMPDIR/after.err"; after=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
echo "live=$live taker=$taker reuser=$reuser after=$after elapsed=${elapsed}ms"
cat "$TMPDIR/live.err" "$TMPDIR/after.err"
kill "$reuser" "$hp"
while kill -0 "$hp" 2>/dev/null; do sleep 0.02; done
INNER
out=$(unshare --pid --fork --mount-proc env JSON_FIELD_BIN="$JSON_FIELD" HOSTILE_PEER_BIN="$H" bash "$W/inner.sh" 2>&1) || true
echo "$out"
line=$(grep '^live=' <<<"$out") || fail "the scenario did not run: $out"
eval "${line% elapsed=*}"
[ "$taker" = "$reuser" ] || skip "the PID was not reused (ns_last_pid not honoured): taker $taker, next $reuser"
[ "$live" = 7 ] || fail "while the taker lived, a load gave rc=$live (the lock was stolen?)"
[ "$after" = 0 ] || fail "after the taker died and its PID was reused: load rc=$after"
pass "lock kept while its taker lived; released after its PID was reused (${line##* })"
