# SPDX-License-Identifier: BSD-3-Clause
"""Prints docs/benchmarks.md (Markdown) from one run of scripts/bench.sh.

Usage: report.py RESULTS_DIR. The directory holds what bench.sh recorded: hyperfine's
--export-json files (scale-TAG-BYTES, pipe-TAG-BYTES, concurrency-TAG, first-load-TAG, startup),
the helpers' JSON (floor-TAG from bench_floor, follow from bench_follow, rss from
bench_peak_rss) and small text files (load-PHASE, shmem-TAG, target-size, mode). TAG is "small"
(shmem_enabled never: 4 KiB pages) or "huge" (advise). Every figure is a median.
"""
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(sys.argv[1])
PAGES = {"small": "4 KiB pages", "huge": "huge pages"}
MIB = 1 << 20


def text(name, default="?"):
    path = RESULTS / name
    return path.read_text().strip() if path.exists() else default


def data(name):
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def medians(name):
    """hyperfine's export: {command name: median in ns}."""
    runs = data(name)
    return {r["command"]: r["median"] * 1e9 for r in runs["results"]} if runs else {}


def runs_of(name):
    runs = data(name)
    return len(runs["results"][0]["times"]) if runs else 0


def size_label(nbytes):
    return f"{nbytes >> 20} MiB" if nbytes >= MIB else f"{nbytes >> 10} KiB"


def ms(ns):
    value = ns / 1e6
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def us(ns):
    return f"{ns / 1e3:.0f} µs" if abs(ns) >= 1e5 else f"{ns / 1e3:.1f} µs"


def table(header, rows):
    escape = lambda cell: str(cell).replace("|", "\\|")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows])


TAGS = [tag for tag in PAGES if (RESULTS / f"floor-{tag}.json").exists()]
TARGET_BYTES = int(text("target-bytes", str(256 * MIB)))
SIZES = sorted({int(p.stem.rsplit("-", 1)[1]) for p in RESULTS.glob("scale-*.json")})


def pair(group, tag, nbytes):
    return medians(f"{group}-{tag}-{nbytes}")


# ---------------------------------------------------------------- the targets
def reader_floor(tag, a, b_ns):
    """What the host's floor leaves of a read (A) against B: the serial work it cannot avoid."""
    f = data(f"floor-{tag}")
    tables = f["populate_ro"] + f["shmdt_ro"]
    xxh3 = f["serial"] - f["populate"]
    words = f"page tables (populate + shmdt): {ms(tables)}, {tables / b_ns:.2f}× B; + XXH3 ({ms(xxh3)}): " \
            f"{(tables + xxh3) / b_ns:.2f}× B"
    if "| cat" in a:  # one kernel copy into the pipe, priced as `cat >/dev/null` of the same file
        copy = pair("scale", tag, TARGET_BYTES)["cat >/dev/null"]
        words += f"; + one kernel copy into the pipe ({ms(copy)}): {(tables + xxh3 + copy) / b_ns:.2f}× B"
    return words


def loader_floor(tag, b_ns):
    f = data(f"floor-{tag}")
    serial = f["copy_in"] + f["xxh3_inline"] + f["shmdt"]
    return (f"copy into the slot ({ms(f['copy_in'])}) + XXH3 ({ms(f['xxh3_inline'])}) + shmdt "
            f"({ms(f['shmdt'])}): {serial / b_ns:.2f}× B, with populating ({ms(f['populate'])}) alongside "
            "in a second thread")


def verdict(met):
    return "met" if met else "**not met**"


def target_rows():
    rows = []
    size = size_label(TARGET_BYTES)
    for a, b, group, limits in [("shm-read | cat", "cat | cat", "pipe", {"small": 1.0, "huge": 0.6}),
                                ("shm-read >/dev/null", "cat >/dev/null", "scale", {"small": 1.3, "huge": 1.0}),
                                ("shm-load", "cp", "scale", {"small": 0.6, "huge": 0.6})]:
        for tag in TAGS:
            m = pair(group, tag, TARGET_BYTES)
            ratio, limit = m[a] / m[b], limits[tag]
            why = "" if ratio <= limit else loader_floor(tag, m[b]) if a == "shm-load" else reader_floor(tag, a, m[b])
            rows.append([f"`{a}` ≤ {limit}× `{b}` ({size}, {PAGES[tag]})",
                         f"{ms(m[a])} vs {ms(m[b])}: **{ratio:.2f}×**", verdict(ratio <= limit), why])
    p = medians("python")
    load, python = p["shm-load"], p["python3 shared_memory"]
    rows.append([f"`shm-load` ≤ 1.0× Python's `shared_memory` + `readinto` ({size})",
                 f"{ms(load)} vs {ms(python)}: **{load / python:.2f}×**", verdict(load <= python), ""])
    s = medians("startup")
    both, qt = s["shm-load"] + s["shm-read"], 2 * s["empty Qt"]
    rows.append(["4 KiB load + read ≤ 1.2× two empty Qt programs", f"{ms(both)} vs {ms(qt)}: **{both / qt:.2f}×**",
                 verdict(both <= 1.2 * qt),
                 "" if both <= 1.2 * qt else f"over an empty Qt program: shm-load +{ms(s['shm-load'] - s['empty Qt'])}, "
                                             f"shm-read +{ms(s['shm-read'] - s['empty Qt'])}"])
    for tag in TAGS:
        xxh3, load = data(f"floor-{tag}")["xxh3_inline"], pair("scale", tag, TARGET_BYTES)["shm-load"]
        rows.append([f"checksum ≤ 10 % of a load ({size}, {PAGES[tag]})", f"{ms(xxh3)} of {ms(load)}: "
                     f"**{xxh3 / load:.1%}**", verdict(xxh3 <= 0.1 * load), ""])
    rss = data("rss")
    limit = TARGET_BYTES / 1024 + 24 * 1024
    worst = max(rss["shm-load"]["kib"], rss["shm-read >/dev/null"]["kib"])
    rows.append([f"peak RSS of either tool ≤ {size} + 24 MiB", f"**{worst / 1024:.1f} MiB**", verdict(worst <= limit), ""])
    follow = data("follow")
    wake = follow["latency"][0]
    rows.append(["wake-up (publish → output of `shm-read --follow`): median < 200 µs, p99 < 2 ms",
                 f"**{us(wake['wake_median'])}**, p99 **{us(wake['wake_p99'])}**",
                 verdict(wake["wake_median"] < 200e3 and wake["wake_p99"] < 2e6), ""])
    idle = follow["idle"]
    # The design's price for needing no thread and no descriptor per wait (docs/design.md,
    # "Participants and liveness"): a wake-up every 100 ms to probe the participants waited on,
    # 0.1 % of a core at most.
    share = idle["oncpu"] / (idle["seconds"] * 1e9)
    rows.append([f"a waiting reader: ≤ 10 wake-ups a second, ≤ 0.1 % of a core ({idle['seconds']} s idle)",
                 f"**{us(idle['oncpu'])}** on CPU ({share:.3%}), {idle['switches']} context switches",
                 verdict(idle["switches"] <= 10 * idle["seconds"] and share <= 0.001), ""])
    return rows


# ---------------------------------------------------------------- the tables
def scale_rows():
    rows = []
    for tag in TAGS:
        for nbytes in SIZES:
            m = {**pair("scale", tag, nbytes), **pair("pipe", tag, nbytes)}
            for a, b in [("shm-load", "cp"), ("shm-read >/dev/null", "cat >/dev/null"), ("shm-read | cat", "cat | cat")]:
                per_mib = lambda ns: us(ns / (nbytes / MIB)) if nbytes >= 64 * MIB else "–"
                rows.append([size_label(nbytes), PAGES[tag], a, ms(m[a]), per_mib(m[a]), b, ms(m[b]), per_mib(m[b]),
                             f"{m[a] / m[b]:.2f}" if m[b] else "–", runs_of(f"scale-{tag}-{nbytes}")])
    return rows


def pair_rows():
    rows = []
    for group, label in [("concurrency", f"16 readers of {size_label(TARGET_BYTES)} at once"),
                         ("first-load", f"first load of {size_label(TARGET_BYTES)} into a new segment")]:
        for tag in TAGS:
            m = medians(f"{group}-{tag}")
            (a, a_ns), (b, b_ns) = m.items()
            rows.append([f"{label} ({PAGES[tag]})", a, ms(a_ns), b, ms(b_ns), f"{a_ns / b_ns:.2f}", runs_of(f"{group}-{tag}")])
    p = medians("python")
    rows.append([f"a load of {size_label(TARGET_BYTES)} (whole processes)", "shm-load", ms(p["shm-load"]), "python3 shared_memory",
                 ms(p["python3 shared_memory"]), f"{p['shm-load'] / p['python3 shared_memory']:.2f}", runs_of("python")])
    s = medians("startup")
    for a, b in [("shm-load", "empty Qt"), ("shm-read", "empty Qt"), ("empty Qt", "/bin/true")]:
        rows.append(["start-up, 4 KiB", a, ms(s[a]), b, ms(s[b]), f"{s[a] / s[b]:.2f}", runs_of("startup")])
    return rows


def floor_rows():
    rows = []
    for tag in TAGS:
        f = data(f"floor-{tag}")
        page = lambda ns: f"{ns / f['pages'] / 1e3:.3f} µs"
        copy = pair("scale", tag, TARGET_BYTES)["cat >/dev/null"]
        rows.append([PAGES[tag] + (" (mapped huge)" if f["huge"] else ""), page(f["populate"]), page(f["fault"]),
                     page(f["shmdt"]), page(f["populate_ro"]), page(f["shmdt_ro"]), page(copy), page(f["copy_in"]),
                     page(f["serial"] - f["populate"])])
    return rows


def step_rows():
    floors = [data(f"floor-{tag}") for tag in TAGS]
    steps = [("populate, then XXH3 (one thread)", "serial"),
             ("populate ahead in a second thread, XXH3 behind it", "ahead"),
             ("shmdt of a populated read-write mapping", "shmdt"),
             ("shmdt of a populated read-only mapping", "shmdt_ro"),
             ("MADV_DONTNEED of both halves from two threads, then shmdt", "release2"),
             ("a child's exit after shmdt (shmdt → reaped)", "exit_shmdt"),
             ("a child's exit without shmdt (teardown left to exit)", "exit_only")]
    return [[what] + [ms(f[key]) for f in floors] for what, key in steps]


def follow_rows():
    rows = []
    for r in data("follow")["latency"]:
        rows.append([f"`{r['label']}`", us(r["wake_median"]), us(r["wake_p99"]), us(r["e2e_median"]),
                     us(r["reader_cpu_per_event"]), r["events"]])
    return rows


def machine_rows():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = int(open("/proc/meminfo").readline().split()[1]) / 1024 / 1024
    distro = next((line.split("=", 1)[1].strip().strip('"') for line in open("/etc/os-release")
                   if line.startswith("PRETTY_NAME=")), "?")
    run = lambda *argv: subprocess.run(argv, capture_output=True, text=True).stdout.strip() or "?"
    rows = [("CPU", f"{cpu}, {len(os.sched_getaffinity(0))} CPUs"), ("memory", f"{mem:.1f} GiB"),
            ("kernel", " ".join(platform.uname()[i] for i in (0, 2, 4))), ("system", distro),
            ("compiler", text("compiler")), ("Qt", run("pkg-config", "--modversion", "Qt6Core")),
            ("hyperfine", run("hyperfine", "--version"))]
    rows += [(f"shmem_enabled ({PAGES[tag]} run)", text(f"shmem-{tag}")) for tag in TAGS]
    rows += [(f"load average {phase}", text(f"load-{phase}")) for phase in ("before-build", "start", "end")]
    return rows


def busy():
    """Other work ran: the load average before our own build exceeded half the CPUs."""
    try:
        return float(text("load-before-build").split()[0]) > len(os.sched_getaffinity(0)) / 2
    except ValueError:
        return False


def main():
    size = size_label(TARGET_BYTES)
    quick = text("mode") == "quick"
    cpu = machine_rows()[0][1]
    out = [f"# Benchmarks",
           "",
           f"Generated by `scripts/bench.sh{' --quick' if quick else ''}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
           f"on {cpu} ({platform.release()}), load average {text('load-start')} at the start. "
           + ("**A quick run** (few sizes and runs): a smoke test, not figures to quote. " if quick else "")
           + (f"**The machine was not idle** (load average {text('load-before-build')} before the build): "
              "these figures are noisier than on a quiet one. " if busy() else "")
           + "Compare ratios, not milliseconds, and rerun on your machine before quoting either: page-table "
           "work costs far more on some hosts than on others (the floor below).",
           "",
           "Whole processes are timed by [hyperfine](https://github.com/sharkdp/hyperfine) (`-N`, no shell; "
           "a pipe runs in `sh -c` on both sides), every command of a table in one run, two warm-up runs "
           "first; every figure is a median. Input files are page-cache hot, `cp` "
           "and `cat` work on a tmpfs file in /dev/shm, the tools run with `-q` and their stdout is "
           "/dev/null unless piped. The loads and reads are the steady state of a holder whose two slots "
           "were loaded before.",
           "", f"## Against the targets (ratios of medians, {size})", "",
           table(["target", "measured (A vs B)", "verdict", "what limits it (from the floor, when not met)"],
                 target_rows()),
           "", "## Scale (cost per MiB should stay flat)", "",
           table(["size", "pages", "A", "A median", "A per MiB", "B", "B median", "B per MiB", "A/B", "runs"],
                 scale_rows()),
           "", "Per MiB: the median divided by the size, from 64 MiB up (below, start-up is most of it).",
           "", "## Other pairs", "",
           table(["case", "A", "A median", "B", "B median", "A/B", "runs"], pair_rows()),
           "",
           "\"16 readers\": started at once by a shell, timed until the last exits. \"first load\": every timed "
           "shm-load goes into a segment whose holder was started just before (untimed), so it allocates its "
           "pages during the load, as `cp` does. \"python3 shared_memory\": `scripts/bench/py_shm.py`, which "
           "attaches to a block created once and `readinto()`s the file, as a script would. \"empty Qt\": a "
           "program that links Qt6Core and does nothing.",
           "", f"## The host's floor (per 4 KiB page, in-process medians over {size})", "",
           table(["pages", "populate a mapping", "fault by touch", "shmdt", "populate, read-only", "shmdt, read-only",
                  "kernel copy (cat)", "copy into a mapping", "XXH3"], floor_rows()),
           "",
           "`scripts/bench/floor.cpp`, mapping a segment as the tools do: `MADV_POPULATE_READ` of a new mapping "
           "(what every shm-read pays before it can hash a version), the same by touching a byte per page, "
           "`shmdt`, the same read-only (as shm-read maps); kernel copy: `cat >/dev/null` of the input, the "
           "whole process divided by its pages (`cat` never maps anything); copy into a mapping: read(2) of "
           "the input into a populated mapping, 256 KiB per call (shm-load's copy); XXH3 from memory.",
           "", f"## Read-path steps (in-process medians, {size})", "",
           table(["step"] + [PAGES[tag] for tag in TAGS], step_rows()),
           "", "## Wake-up latency and CPU of a follower (4 KiB versions)", "",
           table(["reader", "publish → output, median", "p99", "shm-load start → output", "reader CPU per version",
                  "events"], follow_rows()),
           "",
           "`scripts/bench/follow.cpp` starts `shm-load` with an LD_PRELOAD shim (`publish_stamp.cpp`) that "
           "stamps CLOCK_MONOTONIC right before its FUTEX_WAKE, and reads the follower's output: publish → "
           "output is the reader's wake-up, lock, pin, checksum and write plus the driver's own wake-up (with "
           "`--exec cat`, also starting `sh` and `cat`). Idle: a follower with nothing to read, on-CPU time "
           "from `/proc/PID/task/*/schedstat`.",
           "", f"## Peak RSS ({size}, ru_maxrss)", "",
           table(["command", "peak RSS"], [[name, f"{r['kib'] / 1024:.1f} MiB"] for name, r in data("rss").items()]),
           "", "RSS counts the shared segment pages a process touched, not private copies.",
           "", "## Machine", "", table(["what", "value"], machine_rows())]
    print("\n".join(out))


if __name__ == "__main__":
    main()
