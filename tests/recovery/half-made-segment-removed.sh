#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A segment left unfinished by a holder killed between shmget and writing its header (all zero,
# nobody attached): the tools' exit-8 line says what it is, and shm-create --remove removes it
# with everything of the key, as a new shm-create replaces it. Found by an outside pass: --remove
# refused it as "not a shm-tools segment" and said to use ipcrm, which leaves the rest.
. "$(dirname "$0")/../support/common.sh"
learn_key_file_names
seg_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep sharedmemory)
sem_file=$W/$(printf '%s\n' "${NAMES[@]}" | grep systemsem)
# What the killed holder had made: its semaphore (made first, set to 1) and the bare segment.
touch "$seg_file" "$sem_file"
plant "$sem_file" "$H" plantsem "$sem_file" 0600 >/dev/null || fail "could not make the semaphore"
planted=$(plant "$seg_file" "$H" plant "$seg_file" 135168 0600) || fail "could not plant a half-made segment"
run shm-read -t 2
[ "$RC" = 8 ] && has_line "$W/err" 'all zero' || fail "shm-read on a half-made segment: rc=$RC $ERR"
run shm-create --remove -t 5
[ "$RC" = 0 ] && has_line "$W/err" 'left unfinished' || fail "--remove of a half-made segment: rc=$RC $ERR"
! ipcs -m | awk '{print $2}' | grep -qx "$planted" || fail "the half-made segment $planted is still there"
left=$(ls -A "$W" | grep -E 'qipc_|anchor' || true)
[ -z "$left" ] || fail "left behind: $left"
pass "a half-made segment: shm-read says all zero (8), --remove removes it and its key files"
