#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every descriptor the library opens is close-on-exec: a program
# whose other thread forks and execs while the library has a descriptor open must not carry it
# into the new program. So in src/lib/:
# - open/openat name O_CLOEXEC (or O_PATH with it), pipe2/dup3/accept4 too, socket/socketpair
#   SOCK_CLOEXEC, memfd_create MFD_CLOEXEC, eventfd EFD_CLOEXEC, fcntl duplicates F_DUPFD_CLOEXEC,
#   fopen a mode with "e", on the call's own line;
# - pipe, dup, dup2, creat, accept, inotify_init, epoll_create, signalfd, timerfd_create without
#   their flag forms, popen, tmpfile and std::[io]fstream (libstdc++ opens those without
#   O_CLOEXEC) are not used at all;
# - pidfd_open needs no flag (the kernel makes every pidfd close-on-exec), opendir neither (glibc
#   opens directories with O_CLOEXEC).
# Usage: cloexec_test.sh SRC_DIR
set -euo pipefail
src=${1:?usage: cloexec_test.sh SRC_DIR}
cd "$src/lib"
code() { grep -rnE --include='*.cpp' --include='*.h' "$1" . | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|\*)' || true; }
# A system call as the library writes one: ::name( or std::name( (a member such as
# Semaphore::open( is preceded by its class name, so it is not matched).
call() { echo "(^|[^A-Za-z0-9_>.])(::|std::)($1)[[:space:]]*\\("; }
bad=""
need() { # need CALLS FLAG
  local found
  found=$(code "$(call "$1")" | grep -v "$2" || true)
  [ -z "$found" ] || bad+="$1 without $2:"$'\n'"$found"$'\n'
}
need 'open|openat|pipe2|dup3|accept4' 'O_CLOEXEC'
need 'socket|socketpair' 'SOCK_CLOEXEC'
need 'memfd_create' 'MFD_CLOEXEC'
need 'eventfd' 'EFD_CLOEXEC'
found=$(code "$(call 'fopen')" | grep -vE '"[rwa]\+?e' || true)
[ -z "$found" ] || bad+="fopen without \"e\":"$'\n'"$found"$'\n'
found=$(code 'F_DUPFD([^_]|$)')
[ -z "$found" ] || bad+="F_DUPFD without _CLOEXEC:"$'\n'"$found"$'\n'
found=$(code "$(call 'pipe|dup|dup2|creat|accept|inotify_init|epoll_create|signalfd|timerfd_create|popen|tmpfile')")
[ -z "$found" ] || bad+="calls that open without close-on-exec:"$'\n'"$found"$'\n'
found=$(code 'std::(i|o)?fstream|<fstream>')
[ -z "$found" ] || bad+="std::fstream (opened without O_CLOEXEC; use sys/text_file.h):"$'\n'"$found"$'\n'
if [ -n "$bad" ]; then
  echo "descriptors opened without close-on-exec in src/lib:"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
count=$(code "$(call 'open|openat|fopen')" | wc -l)
[ "$count" -gt 3 ] || { echo "only $count open calls found in src/lib: the pattern is broken"; exit 1; }
echo "close-on-exec: all $count open/openat/fopen calls of src/lib name it"
