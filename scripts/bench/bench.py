"""Measuring helper for scripts/bench.sh (no shell in the timed path, CLOCK_MONOTONIC throughout).

Subcommands, each appending JSON lines to --results:
  group    run named commands round-robin (the order rotates every round) and record the medians
           of the requested pairs (A/B)
  rss      peak RSS of commands, through /usr/bin/time -f %M
  latency  publish -> reader output of `shm-read --follow`, plus the brief's difference method
  idle     CPU used by an idle `shm-read --follow`
  meta     note the load average (other work on the machine makes every number noisier)
  report   print everything recorded as a table (plain text or --markdown)

A command SPEC is shell-like but run without a shell: `a x | b >FILE && c`. Stages of a pipeline
run concurrently, `&&` runs pipelines one after the other, stdin is /dev/null and stdout is
/dev/null unless redirected or piped. `|1M` is a pipe whose buffer is set to 1 MiB (F_SETPIPE_SZ)
before either end starts, as shm-read sets the pipe it writes to; `|` keeps the kernel's 64 KiB.
The time of one run is from the first spawn to the last exit.
"""
import argparse
import fcntl
import json
import os
import platform
import random
import select
import shlex
import signal
import statistics
import subprocess
import sys
import time

now = time.monotonic_ns


# ---------------------------------------------------------------- running commands

def parse_spec(spec):
    """SPEC -> list of pipelines; a pipeline is {"stages": [argv...], "stdout": path or None,
    "pipe_sizes": [bytes or None, one per pipe between stages]}."""
    pipelines, stages, argv, stdout, sizes = [], [], [], None, []
    tokens = shlex.split(spec)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("|", "|1M", "&&"):
            if not argv:
                raise SystemExit(f"bench.py: empty command in {spec!r}")
            stages.append(argv)
            argv = []
            if token == "&&":
                pipelines.append({"stages": stages, "stdout": stdout, "pipe_sizes": sizes})
                stages, stdout, sizes = [], None, []
            else:
                sizes.append(1 << 20 if token == "|1M" else None)
        elif token.startswith(">"):
            if token == ">":
                i += 1
                stdout = tokens[i]
            else:
                stdout = token[1:]
        else:
            argv.append(token)
        i += 1
    if not argv:
        raise SystemExit(f"bench.py: empty command in {spec!r}")
    stages.append(argv)
    pipelines.append({"stages": stages, "stdout": stdout, "pipe_sizes": sizes})
    return pipelines


def spawn(argv, stdin_fd, stdout_fd, env=None):
    actions = [(os.POSIX_SPAWN_DUP2, stdin_fd, 0), (os.POSIX_SPAWN_DUP2, stdout_fd, 1)]
    return os.posix_spawnp(argv[0], argv, os.environ if env is None else env, file_actions=actions)


def check_status(argv, status):
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bench.py: {shlex.join(argv)} failed (exit {code})")


def start_pipeline(pipeline):
    """Spawns every stage of a pipeline; returns [(pid, argv)] to wait for."""
    devnull = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC)
    out_path = pipeline["stdout"] or "/dev/null"
    out = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    pids, stdin_fd = [], devnull
    stages = pipeline["stages"]
    for n, argv in enumerate(stages):
        if n + 1 < len(stages):
            read_end, write_end = os.pipe()
            if pipeline.get("pipe_sizes") and pipeline["pipe_sizes"][n]:
                fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, pipeline["pipe_sizes"][n])
            pids.append((spawn(argv, stdin_fd, write_end), argv))
            os.close(write_end)
        else:
            pids.append((spawn(argv, stdin_fd, out), argv))
        if stdin_fd != devnull:
            os.close(stdin_fd)
        if n + 1 < len(stages):
            stdin_fd = read_end
    os.close(devnull)
    os.close(out)
    return pids


def run_spec(pipelines, copies=1):
    """Runs the pipelines one after the other, each as `copies` concurrent instances."""
    start = now()
    for pipeline in pipelines:
        pids = [pid for _ in range(copies) for pid in start_pipeline(pipeline)]
        for pid, argv in pids:
            _, status = os.waitpid(pid, 0)
            check_status(argv, status)
    return now() - start


def named(values, what):
    result = {}
    for value in values or []:
        name, sep, rest = value.partition("=")
        if not sep:
            raise SystemExit(f"bench.py: {what} must be NAME=VALUE, got {value!r}")
        result[name] = rest
    return result


def append(results, record):
    with open(results, "a") as out:
        out.write(json.dumps(record) + "\n")


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# ---------------------------------------------------------------- subcommands

def cmd_group(args):
    commands = {name: parse_spec(spec) for name, spec in named(args.cmd, "--cmd").items()}
    untimed = {name: parse_spec(spec) for name, spec in named(args.untimed, "--untimed").items()}
    sample_files = named(args.samples, "--samples")
    copies = {name: int(n) for name, n in named(args.concurrent, "--concurrent").items()}
    names = list(commands)
    samples = {name: [] for name in names}

    def round_of(n, record):
        order = names[n % len(names):] + names[:n % len(names)]
        for name in order:
            elapsed = run_spec(commands[name], copies.get(name, 1))
            if name in untimed:
                run_spec(untimed[name])
            if args.gap:
                # Off by default: on this VM an idle vCPU is slow to wake, so idle gaps make every
                # pipe (ping-pong between two processes) about 15-20 % slower.
                time.sleep(args.gap)
            if record:
                samples[name].append(elapsed)

    for n in range(args.warmup):
        round_of(n, False)
    for path in sample_files.values():
        open(path, "w").close()  # the warm-up's in-process samples are not counted
    for n in range(args.runs):
        round_of(n, True)
    for name, path in sample_files.items():
        with open(path) as f:
            samples[name] = [int(line) for line in f if line.strip()]

    for a, b in args.row:
        for name in (a, b):
            if name not in samples:
                raise SystemExit(f"bench.py: --row names unknown command {name!r}")
        a_med, b_med = statistics.median(samples[a]), statistics.median(samples[b])
        append(args.results, {"kind": "time", "section": args.section, "label": args.label, "tag": args.tag,
                              "a": a, "b": b,
                              "a_ns": a_med, "b_ns": b_med, "n": min(len(samples[a]), len(samples[b])),
                              "a_samples": samples[a], "b_samples": samples[b]})
    for name in args.median or []:
        append(args.results, {"kind": "median", "section": args.section, "label": args.label, "tag": args.tag,
                              "name": name, "ns": statistics.median(samples[name]), "n": len(samples[name])})
    print(f"bench: {args.section} {args.label} {args.tag}: " +
          ", ".join(f"{name} {statistics.median(v) / 1e6:.2f} ms" for name, v in samples.items()), file=sys.stderr)


def cmd_rss(args):
    for name, spec in named(args.cmd, "--cmd").items():
        pipelines = parse_spec(spec)
        if len(pipelines) != 1:
            raise SystemExit("bench.py: rss takes one pipeline per command")
        values = []
        for _ in range(args.runs):
            out = os.path.join(args.tmp, "rss")
            stages = [list(s) for s in pipelines[0]["stages"]]
            stages[0] = ["/usr/bin/time", "-f", "%M", "-o", out] + stages[0]
            run_spec([{"stages": stages, "stdout": pipelines[0]["stdout"]}])
            with open(out) as f:
                values.append(int(f.read().split()[-1]))
            for undo in args.untimed or []:
                run_spec(parse_spec(undo))
        append(args.results, {"kind": "rss", "label": args.label, "name": name,
                              "kib": statistics.median(values), "n": len(values)})
        print(f"bench: peak RSS {name}: {statistics.median(values)} KiB", file=sys.stderr)


def read_exact(fd, size, timeout):
    chunks, got, deadline = [], 0, time.monotonic() + timeout
    while got < size:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise SystemExit(f"bench.py: no output from the reader within {timeout} s")
        chunk = os.read(fd, size - got)
        if not chunk:
            raise SystemExit("bench.py: the reader closed its output")
        chunks.append(chunk)
        got += len(chunk)
    return got


def waiting_in_futex(pid):
    """True once the follower's main thread sleeps in FUTEX_WAIT (it is ready for the next event)."""
    try:
        with open(f"/proc/{pid}/wchan") as f:
            return "futex" in f.read()
    except OSError:
        return False


def cmd_latency(args):
    size = os.path.getsize(args.file)
    log = os.path.join(args.tmp, "publish.log")
    env = dict(os.environ, LD_PRELOAD=args.shim, SHM_BENCH_PUBLISH_LOG=log)
    load_argv = [os.path.join(args.bin, "shm-load"), "-q", "-k", args.key, args.file]
    devnull = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)

    def start_load():
        open(log, "w").close()
        t0 = now()
        return t0, spawn(load_argv, devnull, devnull, env)

    def finish_load(pid):
        _, status = os.waitpid(pid, 0)
        exited = now()
        check_status(load_argv, status)
        with open(log) as f:
            stamps = [int(line) for line in f if line.strip()]
        return exited, (stamps[-1] if stamps else None)

    def pause():
        time.sleep(random.uniform(0.002, 0.005))  # decorrelate from timer ticks and leftovers

    bare_total, bare_publish = [], []
    for n in range(args.events + 1):
        t0, pid = start_load()
        exited, published = finish_load(pid)
        if n:  # the first run is a warm-up
            bare_total.append(exited - t0)
            if published is not None:
                bare_publish.append(published - t0)
        pause()

    def follow(extra, label):
        argv = [os.path.join(args.bin, "shm-read"), "-q", "-k", args.key, "--follow"] + extra
        errors = open(os.path.join(args.tmp, "follower.err"), "w+")
        follower = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        fd = follower.stdout.fileno()
        e2e, wake = [], []
        cpu_before = None
        try:
            for n in range(args.events + 1):
                deadline = time.monotonic() + 5
                while not waiting_in_futex(follower.pid) and time.monotonic() < deadline:
                    time.sleep(0.0005)
                if n == 1:
                    cpu_before = proc_cpu(follower.pid)
                t0, pid = start_load()
                read_exact(fd, size, 10)
                arrived = now()
                _, published = finish_load(pid)
                if n:
                    e2e.append(arrived - t0)
                    if published is not None:
                        wake.append(arrived - published)
                pause()
            time.sleep(0.05)  # the last --exec child has finished
            cpu_after = proc_cpu(follower.pid)
        finally:
            follower.send_signal(signal.SIGTERM)  # SIGINT stays ignored in a background job
            try:
                follower.wait(5)
            except subprocess.TimeoutExpired:
                follower.kill()
                follower.wait()
        errors.seek(0)
        if follower.returncode != 130:
            raise SystemExit(f"bench.py: {shlex.join(argv)} exited {follower.returncode}: {errors.read()}")
        errors.close()
        record = {"kind": "latency", "label": label, "events": args.events,
                  "e2e": e2e, "wake": wake, "bare_total": bare_total, "bare_publish": bare_publish,
                  "reader_cpu_ns": (cpu_after[1] - cpu_before[1]) / args.events}
        append(args.results, record)
        print(f"bench: latency {label}: e2e median {statistics.median(e2e) / 1e3:.0f} us"
              + (f", publish->output median {statistics.median(wake) / 1e3:.1f} us" if wake else ""),
              file=sys.stderr)

    follow([], "shm-read --follow")
    follow(["--exec", "cat"], "shm-read --follow --exec cat")
    os.close(devnull)


def proc_cpu(pid):
    """(utime+stime ticks, on-CPU ns, context switches) summed over the process's threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    ns = switches = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            ns += int(f.read().split()[0])
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if "ctxt_switches:" in line:  # voluntary and nonvoluntary
                    switches += int(line.split()[-1])
    return ticks, ns, switches


def cmd_idle(args):
    argv = [os.path.join(args.bin, "shm-read"), "-q", "-k", args.key, "--follow"]
    follower = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)  # past start-up
        threads = len(os.listdir(f"/proc/{follower.pid}/task"))
        before = proc_cpu(follower.pid)
        time.sleep(args.seconds)
        after = proc_cpu(follower.pid)
    finally:
        follower.send_signal(signal.SIGTERM)  # SIGINT stays ignored in a background job
        follower.wait(5)
    tick = os.sysconf("SC_CLK_TCK")
    record = {"kind": "idle", "seconds": args.seconds, "threads": threads,
              "stat_ms": (after[0] - before[0]) * 1000 / tick, "oncpu_ns": after[1] - before[1],
              "switches": after[2] - before[2], "exit": follower.returncode}
    append(args.results, record)
    print(f"bench: idle follower: {record}", file=sys.stderr)


def cmd_floor(args):
    out = subprocess.run([args.floor, str(args.bytes), str(args.runs), args.input], check=True, capture_output=True,
                         text=True)
    record = json.loads(out.stdout)
    record.update({"kind": "floor", "tag": args.tag})
    append(args.results, record)
    print(f"bench: floor {args.tag}: " + ", ".join(
        f"{k} {v / record['pages'] / 1e3:.3f} us/page" for k, v in record.items() if isinstance(v, int)
        and k not in ("bytes", "pages")), file=sys.stderr)


def cmd_meta(args):
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    try:
        with open("/sys/kernel/mm/transparent_hugepage/shmem_enabled") as f:
            shmem_thp = f.read().strip()
    except OSError:
        shmem_thp = "unavailable"
    append(args.results, {"kind": "meta", "phase": args.phase, "loadavg": " ".join(load),
                          "shmem_enabled": shmem_thp, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")})


# ---------------------------------------------------------------- report

def fmt_ns(ns):
    ms = ns / 1e6
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    if ms >= 1:
        return f"{ms:.2f} ms"
    return f"{ms:.3f} ms"


def fmt_us(ns):
    us = ns / 1e3
    return f"{us:.0f} µs" if abs(us) >= 100 else f"{us:.1f} µs"


def table(header, rows, markdown, align):
    if markdown:
        lines = ["| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]

    def line(cells):
        return "  ".join(str(c).rjust(w) if a == "r" else str(c).ljust(w)
                         for c, w, a in zip(cells, widths, align)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def machine(date):
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    qt = subprocess.run(["pkg-config", "--modversion", "Qt6Core"], capture_output=True, text=True).stdout.strip()
    return [("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
            ("model name", model),
            ("kernel", f"{platform.system()} {platform.release()} {platform.machine()}"),
            ("memory", f"{mem_kib / 1024 / 1024:.1f} GiB"),
            ("Qt", qt or "unknown"),
            ("date", date)]


UNITS = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}


def label_bytes(label):
    number, unit = label.split()[:2]
    return int(float(number) * UNITS[unit.rstrip(",")])


def host_line(records):
    facts = dict(machine(""))
    metas = [r for r in records if r["kind"] == "meta"]
    start = next((r for r in metas if r["phase"] == "start"), metas[0] if metas else None)
    end = next((r for r in metas if r["phase"] == "end"), None)
    line = (f'Host: {facts["model name"]}, {facts["CPUs (nproc)"]} CPUs, {facts["kernel"]}, {facts["memory"]}; '
            f'run {start["date"] if start else "?"}; load average {start["loadavg"] if start else "?"} at the start')
    if end:
        line += f', {end["loadavg"]} at the end'
    return line + "."


def floor_of(records, tag):
    return next((r for r in records if r["kind"] == "floor" and r["tag"] == tag), None)


def per_page(ns, pages):
    return f"{ns / pages / 1e3:.3f} µs"


def report_floor(records, md, out, heading):
    floors = [r for r in records if r["kind"] == "floor"]
    if not floors:
        return
    heading(f'Host floor (per 4 KiB page, in-process medians over {floors[0]["bytes"] >> 20} MiB)')
    copies = {r["tag"]: r for r in records if r["kind"] == "median" and r["name"] == "dd"}
    rows = []
    for f in floors:
        pages = f["pages"]
        dd = copies.get(f["tag"])
        copy = per_page(dd["ns"], label_bytes(dd["label"]) / 4096) if dd else "–"
        rows.append([f["tag"] + (" (mapped huge)" if f["huge"] else ""), per_page(f["populate"], pages),
                     per_page(f["fault"], pages), per_page(f["shmdt"], pages),
                     per_page(f["populate_ro"], pages), per_page(f["shmdt_ro"], pages), copy,
                     per_page(f["copy_in"], pages), per_page(f["serial"] - f["populate"], pages)])
    out.append(table(["pages", "populate a mapping", "fault by touch", "shmdt", "populate, read-only",
                      "shmdt, read-only", "kernel copy (dd)", "copy into a mapping", "XXH3"],
                     rows, md, ["l", "r", "r", "r", "r", "r", "r", "r", "r"]))
    out.append("")
    out.append("populate: MADV_POPULATE_READ of a new mapping of a segment whose pages exist (what every\n"
               "shm-read pays before it can hash a version it never mapped); fault by touch: the same by\n"
               "reading one byte per page; shmdt: detaching that mapping; read-only: the same for a\n"
               "read-only mapping, as shm-read's (a read-write mapping of a written segment gets dirty\n"
               "entries, whose teardown flushes more); kernel copy: `dd if=FILE\n"
               "of=/dev/null bs=1M` of the page-cache-hot input, the whole process divided by its pages\n"
               "(what `cat` pays per page: it never maps anything); copy into a mapping: read(2) of the same\n"
               "file, 256 KiB per call, into a populated mapping of the segment (shm-load's copy: unlike\n"
               "dd's one buffer, every page is new to the cache); XXH3: hashing from memory. The tools pay\n"
               "a populate and a shmdt per page of every version they touch (shm-read the read-only ones);\n"
               "`cat` pays none of them.")


def find_time(records, section, label, tag, a, b):
    return next((r for r in records if r["kind"] == "time" and r["section"] == section and r["label"] == label
                 and r.get("tag", "") == tag and r["a"] == a and r["b"] == b), None)


TARGETS = [
    # (text, section, label, a, b, limit, which page tag: "small" or "huge" or None)
    ("`shm-read | cat` ≤ 1.0× `cat /dev/shm/x | cat`", "scale", "256 MiB", "shm-read | cat", "cat | cat", 1.0, "small"),
    ("`shm-read >/dev/null` ≤ 1.3× `cat /dev/shm/x >/dev/null`", "scale", "256 MiB", "shm-read >null", "cat >null", 1.3,
     "small"),
    ("`shm-read | cat` ≤ 0.6× `cat /dev/shm/x | cat`", "scale", "256 MiB", "shm-read | cat", "cat | cat", 0.6, "huge"),
    ("`shm-read >/dev/null` ≤ 1.0× `cat /dev/shm/x >/dev/null`", "scale", "256 MiB", "shm-read >null", "cat >null", 1.0,
     "huge"),
    ("`shm-load` ≤ 0.6× `cp FILE /dev/shm/x`", "scale", "256 MiB", "shm-load", "cp", 0.6, "small"),
    ("`shm-load` ≤ 0.6× `cp FILE /dev/shm/x`", "scale", "256 MiB", "shm-load", "cp", 0.6, "huge"),
    ("4 KiB load + read ≤ 1.2× two empty Qt programs", "start-up", "4 KiB", "shm-load && shm-read", "empty Qt ×2", 1.2,
     None),
]
SMALL, HUGE = "4 KiB pages", "huge pages"


def floor_text(records, f, label, a, b_ns):
    """What the host's floor leaves of target A against B (time b_ns): the serial work A cannot avoid."""
    scale = label_bytes(label) / f["bytes"]

    def share(ns):
        return f'{fmt_ns(ns)}, {ns / b_ns:.2f}× B'

    if a == "shm-load":
        # A loader populates the slot from a second thread while it copies, so only the copy,
        # the checksum of each chunk while it is in the cache, and the teardown are serial.
        copy = f["copy_in"] * scale
        inline = next((c for c in records if c["kind"] == "time" and c["section"] == "checksum"
                       and c["a"] == "XXH3 per 256 KiB chunk" and c["label"] == label), None)
        xxh3 = inline["a_ns"] if inline else (f["serial"] - f["populate"]) * scale
        shmdt = f["shmdt"] * scale
        return (f'copy into the slot ({share(copy)}) + XXH3 ({fmt_ns(xxh3)}) + shmdt ({fmt_ns(shmdt)}): '
                f'{(copy + xxh3 + shmdt) / b_ns:.2f}× B, with populating ({fmt_ns(f["populate"] * scale)}) '
                f'alongside in a second thread')
    # A reader maps the version, verifies all of it before the first byte goes out, writes it
    # (into a pipe: one kernel copy) and detaches.
    tables = (f["populate_ro"] + f["shmdt_ro"]) * scale
    xxh3 = (f["serial"] - f["populate"]) * scale
    text = (f'page tables (populate + shmdt): {share(tables)}; '
            f'+ XXH3 ({fmt_ns(xxh3)}): {(tables + xxh3) / b_ns:.2f}× B')
    dd = next((m for m in records if m["kind"] == "median" and m["name"] == "dd" and m["tag"] == f["tag"]), None)
    if "| cat" in a and dd:
        copy = dd["ns"] * label_bytes(label) / label_bytes(dd["label"])
        text += f'; + one kernel copy into the pipe (dd: {fmt_ns(copy)}): {(tables + xxh3 + copy) / b_ns:.2f}× B'
    return text


def target_size(records):
    """The size the page-size targets are checked at: 256 MiB, or the largest measured below it
    (64 MiB in a --quick run)."""
    sizes = {r["label"] for r in records if r["kind"] == "time" and r["section"] == "scale"}
    fitting = [label for label in sizes if label_bytes(label) <= label_bytes("256 MiB")]
    return max(fitting, key=label_bytes) if fitting else "256 MiB"


def report_targets(records, md, out, heading):
    heading("Against the targets (ratios of medians from this one run)")
    rows = []
    size = target_size(records)
    for text, section, label, a, b, limit, which in TARGETS:
        if label == "256 MiB":
            label = size
        tag = {"small": SMALL, "huge": HUGE, None: ""}[which]
        r = find_time(records, section, label, tag, a, b)
        pages = f" ({label}, {tag})" if tag else ""
        if not r:
            rows.append([text + pages, "not measured in this run", "", ""])
            continue
        ratio = r["a_ns"] / r["b_ns"]
        verdict = "met" if ratio <= limit else "not met"
        limit_text = ""
        f = floor_of(records, tag) if tag else None
        if ratio > limit and f:
            limit_text = floor_text(records, f, label, a, r["b_ns"])
        elif ratio > limit and not tag:
            load = find_time(records, section, label, "", "shm-load", "empty Qt")
            read = find_time(records, section, label, "", "shm-read", "empty Qt")
            if load and read:
                limit_text = (f'over an empty Qt program: shm-load +{fmt_ns(load["a_ns"] - load["b_ns"])}, '
                              f'shm-read +{fmt_ns(read["a_ns"] - read["b_ns"])}')
        rows.append([text + pages, f'{fmt_ns(r["a_ns"])} vs {fmt_ns(r["b_ns"])}: **{ratio:.2f}×**' if md else
                     f'{fmt_ns(r["a_ns"])} vs {fmt_ns(r["b_ns"])}: {ratio:.2f}x', verdict, limit_text])
    out.append(table(["target", "measured (A vs B)", "verdict", "what limits it (when not met)"], rows, md,
                     ["l", "l", "l", "l"]))


def report_steps(records, md, out, heading):
    floors = [r for r in records if r["kind"] == "floor"]
    if not floors:
        return
    heading(f'Read-path steps (in-process medians, {floors[0]["bytes"] >> 20} MiB)')
    steps = [("populate, then XXH3 (one thread)", "serial"),
             ("populate ahead in a second thread, XXH3 behind it", "ahead"),
             ("shmdt of a populated read-write mapping", "shmdt"),
             ("shmdt of a populated read-only mapping", "shmdt_ro"),
             ("MADV_DONTNEED of both halves from two threads, then shmdt", "release2"),
             ("a child's exit after shmdt (shmdt → reaped)", "exit_shmdt"),
             ("a child's exit without shmdt (teardown left to exit)", "exit_only")]
    rows = [[text] + [fmt_ns(f[key]) for f in floors] for text, key in steps]
    out.append(table(["step"] + [f["tag"] for f in floors], rows, md, ["l"] + ["r"] * len(floors)))


def report_scale(records, md, out, heading):
    scale = [r for r in records if r["kind"] == "time" and r["section"] == "scale"]
    if not scale:
        return
    heading("Scale (cost per MiB should stay flat)")
    rows = []
    # Per MiB beyond what the same command costs at 4 KiB (process start-up, attach, lock).
    base = {(r["tag"], r["a"], r["b"]): r for r in scale if r["label"] == "4 KiB"}

    def marginal(r, side):
        mib = label_bytes(r["label"]) / (1 << 20)
        b = base.get((r["tag"], r["a"], r["b"]))
        if mib < 64 or not b:
            return "–"  # below 64 MiB, start-up noise swamps the data
        return f'{(r[side] - b[side]) / (mib - 1 / 256) / 1e3:.0f} µs'
    for r in scale:
        rows.append([r["label"], r["tag"], r["a"], fmt_ns(r["a_ns"]), marginal(r, "a_ns"),
                     r["b"], fmt_ns(r["b_ns"]), marginal(r, "b_ns"), f'{r["a_ns"] / r["b_ns"]:.2f}', r["n"]])
    out.append(table(["size", "pages", "A", "A median", "A per MiB", "B", "B median", "B per MiB", "A/B", "runs"],
                     rows, md, ["l", "l", "l", "r", "r", "l", "r", "r", "r", "r"]))
    out.append("")
    out.append("Per MiB: the median less the same command's median at 4 KiB (its start-up, attach and lock),\n"
               "divided by the MiB beyond those 4 KiB; from 64 MiB up only, below that start-up noise\n"
               "swamps the data.")
    conc = [r for r in records if r["kind"] == "time" and r["section"] == "concurrency"]
    if conc:
        heading("Concurrency (all started at once; time until the last one exits)")
        rows = [[r["label"], r["tag"], r["a"], fmt_ns(r["a_ns"]), r["b"], fmt_ns(r["b_ns"]),
                 f'{r["a_ns"] / r["b_ns"]:.2f}', r["n"]] for r in conc]
        out.append(table(["case", "pages", "A", "A median", "B", "B median", "A/B", "runs"], rows, md,
                         ["l", "l", "l", "r", "l", "r", "r", "r"]))


def report_experiment(records, md, out, heading):
    rows = [r for r in records if r["kind"] == "time" and r["section"] == "experiment"]
    if not rows:
        return
    heading("Experiment: the holder writes into the reader's descriptor (SCM_RIGHTS), against mapping")
    out.append(table(["size", "pages", "fd passing", "median", "mapping path", "median", "fd/mapping", "runs"],
                     [[r["label"], r["tag"], r["a"], fmt_ns(r["a_ns"]), r["b"], fmt_ns(r["b_ns"]),
                       f'{r["a_ns"] / r["b_ns"]:.2f}', r["n"]] for r in rows], md,
                     ["l", "l", "l", "r", "l", "r", "r", "r"]))
    out.append("")
    out.append("`scripts/bench/fd_pass.cpp`: a prototype holder (one version, populated once, no header, pins\n"
               "or lock) serving a Unix socket; its client (linked with Qt6Core, so it starts like the tools)\n"
               "sends its stdout or its open input with SCM_RIGHTS, the holder checks SO_PEERCRED, verifies\n"
               "XXH3 over the version and writes it into the descriptor (or reads the input into a slot).")


def cmd_report(args):
    with open(args.results) as f:
        records = [json.loads(line) for line in f if line.strip()]
    md = args.markdown
    out = []

    def heading(text):
        out.append(("\n### " if md else "\n== ") + text + ("" if md else " ==") + "\n")

    # The sections with tables of their own are left out of the table of the other pairs.
    times = [r for r in records if r["kind"] == "time"
             and r["section"] not in ("checksum", "scale", "concurrency", "experiment")]
    checksums = [r for r in records if r["kind"] == "time" and r["section"] == "checksum"]
    # Before our own build, which raises the load average by itself.
    before = [r for r in records if r["kind"] == "meta" and r["phase"] == "before-build"]
    before = before or [r for r in records if r["kind"] == "meta" and r["phase"] == "start"]
    if before and float(before[0]["loadavg"].split()[0]) > 1.0:
        out.append(f'Note: load average {before[0]["loadavg"]} before the build: the machine was not idle '
                   "(other work, or work just finished), so these numbers may be noisier than on a quiet one.")
    out.append(host_line(records))
    report_floor(records, md, out, heading)
    report_targets(records, md, out, heading)
    report_steps(records, md, out, heading)
    report_scale(records, md, out, heading)
    report_experiment(records, md, out, heading)
    if times:
        heading("Other pairs (median of paired runs; A/B < 1 means shm-tools is faster)")
        rows = [[f'{r["section"]} {r["label"]}' + (f' ({r["tag"]})' if r.get("tag") else ""), r["a"],
                 fmt_ns(r["a_ns"]), r["b"], fmt_ns(r["b_ns"]), f'{r["a_ns"] / r["b_ns"]:.2f}', r["n"]]
                for r in times]
        out.append(table(["case", "A", "A median", "B", "B median", "A/B", "runs"], rows, md,
                         ["l", "l", "r", "l", "r", "r", "r"]))
        out.append("")
        out.append("Every time is a whole process, spawn to exit, without a shell, except `py readinto\n"
                   "(in-process)`: perf_counter_ns around open() + readinto() inside the Python process (no\n"
                   "interpreter start, import or attach). `py shm (whole process)` is `python3 py_shm.py load`:\n"
                   "start, import multiprocessing.shared_memory, attach to a block created once, readinto.\n"
                   "Commands of a case run round-robin, the order rotating each round, after two warm-up\n"
                   "rounds (the segment's two slots and the Python block keep their pages; `cp` removes its\n"
                   "target after every run, untimed, so it allocates tmpfs pages each time). Input files are\n"
                   "page-cache hot; shm-load/shm-read run with -q; `| cat` means `| cat >/dev/null`.\n"
                   "\"first load\": every timed shm-load goes into a segment created just before (untimed, a new\n"
                   "`shm-create -d` each run), so it allocates its pages during the load, as cp does; the other\n"
                   "load rows are the steady state of a holder that has been loaded before. \"4 KiB pages\" and\n"
                   "\"huge pages\": shmem_enabled was never, resp. advise, when the segment was created and used;\n"
                   "`cat`, `cp` and `dd` work on /dev/shm or the page cache either way. \"16 readers\": 16 copies\n"
                   "started at once, timed until the last exits. \"1 MiB pipe\": `cat |1M cat` joins the two cats\n"
                   "by a pipe whose buffer is 1 MiB, as large as the one shm-read makes of its stdout; `cat | cat`\n"
                   "has the kernel's 64 KiB, so every 64 KiB the writer waits for the reader to be woken.")

    if checksums:
        label = checksums[0]["label"]
        heading(f"Checksum cost ({label}; target: at most 10 % of a load)")
        how = {"XXH3 per 256 KiB chunk": "XXH3 256 KiB at a time, each chunk right after its copy-in (as shm-load)",
               "XXH3 one call": "XXH3 in one call over the whole buffer (as shm-read verifies)"}
        # The target is a load's; a read verifies a whole version before writing, and its share
        # is shown for what it is.
        rows = [[f'{r["b"]} {label}', how.get(r["a"], r["a"]), fmt_ns(r["a_ns"]), fmt_ns(r["b_ns"]),
                 f'{r["a_ns"] / r["b_ns"]:.1%}',
                 ("≤ 10 %: " + ("met" if r["a_ns"] <= 0.1 * r["b_ns"] else "not met")) if r["b"] == "shm-load" else "–",
                 r["n"]] for r in checksums]
        out.append(table(["tool", "checksum computed as", "checksum", "tool", "share", "target", "runs"], rows, md,
                         ["l", "l", "r", "r", "r", "r", "r"]))
        out.append("")
        out.append("checksum_cost hashes with the core library's own Checksum (Release build, same code and flags\n"
                   f"as the tools) over a {label} System V segment whose pages were allocated and written before\n"
                   "timing (one warm-up pass, then one timed pass per process). \"One call\" reads the bytes from\n"
                   "memory; \"256 KiB at a time\" hashes each chunk just after a memcpy wrote it (standing in for\n"
                   "read(2)), as shm-load does. Its runs alternate round-robin with the tools' runs (medians of\n"
                   "paired runs, as above); share = checksum median / tool median.")

    rss = [r for r in records if r["kind"] == "rss"]
    if rss:
        heading(f'Peak RSS ({rss[0]["label"]}; /usr/bin/time -f %M, median of {rss[0]["n"]})')
        rows = [[r["name"], f'{r["kib"] / 1024:.1f} MiB'] for r in rss]
        out.append(table(["command", "peak RSS"], rows, md, ["l", "r"]))
        out.append("")
        out.append("RSS counts the shared segment pages a process touched (RssShmem), not private copies.")

    lat = [r for r in records if r["kind"] == "latency"]
    if lat:
        first = lat[0]
        heading(f'Wake-up latency (4 KiB versions, {first["events"]} events each)')
        rows = [["shm-load alone: start → exit", fmt_us(statistics.median(first["bare_total"])),
                 fmt_us(percentile(first["bare_total"], 0.99))]]
        if first["bare_publish"]:
            rows.append(["shm-load alone: start → publish (stamped)", fmt_us(statistics.median(first["bare_publish"])),
                         fmt_us(percentile(first["bare_publish"], 0.99))])
        for r in lat:
            rows.append([f'{r["label"]}: shm-load start → output', fmt_us(statistics.median(r["e2e"])),
                         fmt_us(percentile(r["e2e"], 0.99))])
            rows.append([f'{r["label"]}: e2e − alone (difference of medians)',
                         fmt_us(statistics.median(r["e2e"]) - statistics.median(r["bare_total"])), ""])
            if r["wake"]:
                rows.append([f'{r["label"]}: publish → output (per event) = wake-up latency',
                             fmt_us(statistics.median(r["wake"])), fmt_us(percentile(r["wake"], 0.99))])
            rows.append([f'{r["label"]}: reader CPU per version (mean, schedstat)', fmt_us(r["reader_cpu_ns"]), ""])
        out.append(table(["measurement", "median", "p99"], rows, md, ["l", "r", "r"]))
        out.append("")
        out.append("Method: the driver (Python, CLOCK_MONOTONIC) notes t0, spawns `shm-load -q FILE` and blocks on\n"
                   "the follower's stdout until the 4 KiB arrive. \"start → output\" includes shm-load's own\n"
                   "start-up. Subtracting the median of shm-load run alone (start → exit) is the coarse\n"
                   "estimate; it is biased low (even negative) because shm-load's exit work after publishing\n"
                   "is in that median but not on the reader's path. The per-event figure is exact: an\n"
                   "LD_PRELOAD shim (publish_stamp.so) stamps CLOCK_MONOTONIC right before shm-load's\n"
                   "FUTEX_WAKE, so \"publish → output\" = reader wake-up + lock + pin + checksum + write to the\n"
                   "pipe + the driver's own wake-up. With --exec it also includes fork+exec of sh and cat.\n"
                   "shm-load runs on the other core meanwhile. Reader CPU per version: the follower's\n"
                   "on-CPU time (all threads) over the events, divided by their number.")

    idle = [r for r in records if r["kind"] == "idle"]
    for r in idle:
        heading(f'Idle `shm-read --follow` ({r["seconds"]:g} s, {r["threads"]} threads)')
        rows = [["utime+stime (/proc/PID/stat)", f'{r["stat_ms"]:.0f} ms'],
                ["on-CPU time (/proc/PID/task/*/schedstat)", f'{r["oncpu_ns"] / 1e3:.1f} µs'],
                ["context switches", str(r["switches"])]]
        out.append(table(["measurement", "value"], rows, md, ["l", "r"]))

    heading("Machine")
    # The run's own date (a report printed later from the raw samples keeps it).
    dates = [r["date"] for r in records if r["kind"] == "meta" and "date" in r]
    facts = machine(dates[-1] if dates else time.strftime("%Y-%m-%d %H:%M:%S %Z"))
    for r in records:
        if r["kind"] == "meta":
            facts.append((f'load average at {r["phase"]}', r["loadavg"]))
    out.append(table(["what", "value"], facts, md, ["l", "l"]))
    print("\n".join(out).lstrip("\n"))


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("group")
    p.add_argument("--results", required=True)
    p.add_argument("--section", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--runs", type=int, required=True)
    # Two: shm-load alternates between the segment's two slots, and both should have their pages.
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--gap", type=float, default=0.0, help="idle seconds after every command")
    p.add_argument("--cmd", action="append", required=True, help="NAME=SPEC, timed")
    p.add_argument("--untimed", action="append", help="NAME=SPEC, run after every run of NAME")
    p.add_argument("--samples", action="append", help="NAME=FILE of ns values written by a command")
    p.add_argument("--concurrent", action="append", help="NAME=N: each run of NAME starts N copies at once")
    p.add_argument("--row", action="append", nargs=2, metavar=("A", "B"), default=[])
    p.add_argument("--median", action="append", metavar="NAME", help="record NAME's median alone")
    p.add_argument("--tag", default="", help="the page size in effect, for the report")
    p.set_defaults(func=cmd_group)

    p = sub.add_parser("rss")
    p.add_argument("--results", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--cmd", action="append", required=True, help="NAME=SPEC")
    p.add_argument("--untimed", action="append", help="SPEC run after every run")
    p.set_defaults(func=cmd_rss)

    p = sub.add_parser("latency")
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--file", required=True)
    p.add_argument("--shim", required=True)
    p.add_argument("--tmp", required=True)
    p.add_argument("--events", type=int, default=200)
    p.set_defaults(func=cmd_latency)

    p = sub.add_parser("idle")
    p.add_argument("--results", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(func=cmd_idle)

    p = sub.add_parser("floor")
    p.add_argument("--results", required=True)
    p.add_argument("--floor", required=True, help="the floor program")
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--tag", required=True)
    p.add_argument("--input", required=True, help="a page-cache-hot file of --bytes, read into a mapping")
    p.set_defaults(func=cmd_floor)

    p = sub.add_parser("meta")
    p.add_argument("--results", required=True)
    p.add_argument("--phase", required=True)
    p.set_defaults(func=cmd_meta)

    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    p.add_argument("--markdown", action="store_true")
    p.set_defaults(func=cmd_report)

    args = parser.parse_args()
    try:
        # SIGTERM (bench.sh's cleanup, or `kill`) as Ctrl-C: the finally blocks stop the followers.
        signal.signal(signal.SIGTERM, interrupted)
        args.func(args)
    except KeyboardInterrupt:
        # Ctrl-C: die of SIGINT, not exit 130, so that bench.sh's bash knows its child was
        # interrupted and runs its trap at once (an exit status alone lets the script go on).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)


if __name__ == "__main__":
    main()
