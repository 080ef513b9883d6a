# SPDX-License-Identifier: BSD-3-Clause
"""What a Python script would use instead of shm-load, for scripts/bench.sh (issue 4's target:
a 256 MiB load at most 1.0x Python's multiprocessing.shared_memory + readinto).

  py_shm.py hold NAME BYTES   create the block, keep it until SIGTERM/SIGHUP, then unlink it
  py_shm.py load NAME FILE    attach to the block and readinto() FILE, as a script would
"""
import os
import signal
import sys
from multiprocessing import resource_tracker, shared_memory


def hold(name, size):
    def stop(*_):
        raise SystemExit(0)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop)
    shm = shared_memory.SharedMemory(name=name, create=True, size=size)
    try:
        while True:
            signal.pause()
    finally:
        shm.close()
        shm.unlink()


def load(name, path):
    # Before 3.13 an attaching process registers the block with the resource tracker, which
    # starts a tracker process and unlinks the block when this process exits; opt out.
    resource_tracker.register = lambda *args, **kwargs: None
    shm = shared_memory.SharedMemory(name=name)
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        if size > shm.size:
            sys.exit(f"py_shm.py: {path} ({size} bytes) does not fit {name} ({shm.size} bytes)")
        view = shm.buf[:size]
        done = 0
        while done < size:
            n = f.readinto(view[done:])
            if not n:
                break
            done += n
    view.release()
    shm.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
