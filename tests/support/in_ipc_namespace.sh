#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# in_ipc_namespace.sh SCRIPT [ARGS...]: runs the shell case SCRIPT in an IPC namespace of its own.
# System V limits (kernel.shmmax, kernel.shmmni, kernel.sem...) are per IPC namespace, so a case
# that changes them there changes nothing for the other tests running at the same time. Skips
# (exit 77) where no namespace can be made: that needs root (CAP_SYS_ADMIN).
set -euo pipefail
case_name=$(basename "$1" .sh)
unshare --ipc true 2>/dev/null ||
  { echo "SKIP $case_name: cannot make an IPC namespace here (unshare --ipc needs root)"; exit 77; }
exec unshare --ipc bash "$@"
