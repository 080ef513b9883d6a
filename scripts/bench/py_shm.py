"""Python baseline for scripts/bench.sh: multiprocessing.shared_memory used the way a script would.

  py_shm.py hold NAME BYTES      create the block, keep it until SIGTERM/SIGHUP, unlink it
  py_shm.py load NAME FILE LOG   attach, f.readinto(shm.buf), append the in-process time (ns) of
                                 open + readinto to LOG
"""
import os
import signal
import sys
import time
from multiprocessing import resource_tracker, shared_memory


def hold(name, size):
    def stop(*_):
        raise SystemExit(0)

    # SIGINT keeps its inherited disposition: ignored in bench.sh's background, else
    # KeyboardInterrupt; both paths still unlink the block.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, stop)
    shm = shared_memory.SharedMemory(name=name, create=True, size=size)
    try:
        while True:
            signal.pause()
    finally:
        shm.close()
        shm.unlink()


def load(name, path, log):
    # Before 3.13 an attaching process registers the block with the resource tracker, which
    # starts a tracker process and unlinks the block when this process exits; opt out.
    resource_tracker.register = lambda *args, **kwargs: None
    shm = shared_memory.SharedMemory(name=name)
    start = time.perf_counter_ns()
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
    elapsed = time.perf_counter_ns() - start
    view.release()
    shm.close()
    with open(log, "a") as out:
        out.write(f"{elapsed}\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 5 and sys.argv[1] == "load":
        load(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
