#!/usr/bin/env bash
# Guarantee 4: a lock left taken by a same-user process that exited without SEM_UNDO does not
# stay stuck. Until the running holder releases it (within about two seconds), a timed-out tool
# says that the PID it names exited; afterwards the tools work again. (The outside review found
# the lock stuck for ever, with advice naming a dead PID.)
. "$(dirname "$0")/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
semid=$(jget semid)
"$H" take "$semid" || fail "could not take the lock"
run shm-read -t 0.2; r=$RC; e=$ERR
# The holder may already have released it (rc 0); if not, the message must say what happened.
if [ "$r" = 7 ]; then
  echo "$e" | grep -q 'exited without giving it back' ||
    fail "rc=7 but the message does not say that the lock's taker exited: $e"
elif [ "$r" != 0 ]; then
  fail "rc=$r: $e"
fi
run shm-read -t 10; r=$RC
[ "$r" = 0 ] && [ "$(cat "$OUT")" = v ] && pass "the abandoned lock was released; read works again" ||
  fail "after the holder's release window: rc=$r: $ERR"
