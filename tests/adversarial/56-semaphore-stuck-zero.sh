#!/usr/bin/env bash
# Guarantee 4: the lock left at 0 by a same-user process that exited without SEM_UNDO -> exit 7
# after --timeout, and the message names a PID that is running and says what to do.
. "$(dirname "$0")/common.sh"
start_holder -s 64K || fail "holder"; echo v | shm-load -q -
semid=$(jget semid)
"$H" take "$semid" || fail "could not take the lock"
run shm-read -t 1; r=$RC; e=$ERR
np=$(echo "$e" | grep -o 'held by PID [0-9]*' | grep -o '[0-9]*$' || true)
[ "$r" = 7 ] || fail "rc=$r: $e"
{ [ -n "$np" ] && ! gone "$np"; } && pass "rc=7 naming live PID $np" || fail "rc=7 but the message names PID ${np:-none} as holding the lock although it is not running; its advice ('stop the process holding it') cannot be followed and the lock stays stuck: $e"
