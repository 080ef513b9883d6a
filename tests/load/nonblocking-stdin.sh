#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# shm-load - copies stdin also when its pipe is non-blocking (O_NONBLOCK, as Node or Go parents
# leave it) and the producer is slow: EAGAIN is no error, the loader waits in poll() for more,
# as long as the producer takes, and only the input's end ends the load. The producer writes its
# next chunk only once the loader sleeps in poll() with the pipe empty, so every chunk after the
# first meets EAGAIN.
. "$(dirname "$0")/../support/common.sh"
command -v python3 >/dev/null || skip "needs python3"
start_holder -s 4M || fail "holder"
head -c 3000000 /dev/urandom >"$W/input"
python3 - "$W/input" <<'PY' || fail "the load did not take the non-blocking stdin whole"
import fcntl, os, subprocess, sys, time
data = open(sys.argv[1], "rb").read()
r, w = os.pipe()
fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
loader = subprocess.Popen(["shm-load", "-q", "-"], stdin=r, stderr=subprocess.PIPE)
os.close(r)

def polling():
    try:
        return "poll" in open(f"/proc/{loader.pid}/wchan").read()
    except OSError:
        return False

chunk = 500_000
waited = 0
for start in range(0, len(data), chunk):
    deadline = time.monotonic() + 30
    while start and not polling():            # observed state: the loader waits on an empty pipe
        if loader.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if loader.poll() is not None:
        break
    waited += 1 if start and polling() else 0
    os.write(w, data[start:start + chunk])    # 500 KB fit: the loader drains as it goes
os.close(w)
loader.wait()
err = loader.stderr.read().decode().strip()
print(f"loader rc={loader.returncode} {err}; chunks written while it slept in poll(): {waited}")
sys.exit(0 if loader.returncode == 0 and not err and waited == len(range(0, len(data), chunk)) - 1 else 1)
PY
shm-read >"$W/back" || fail "read back"
cmp -s "$W/input" "$W/back" || fail "the version read back differs from the input"
pass "3 MB through a non-blocking stdin in 6 chunks, each after the loader slept in poll()"
