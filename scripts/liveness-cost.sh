#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Measures what the participant design (docs/design.md, "Participants") costs on this machine:
# one liveness probe (F_OFD_GETLK on a key file) against the /proc/PID/stat read it replaced,
# and the idle CPU of a reader waiting for a version with 100 ms probe slices.
# Usage: scripts/liveness-cost.sh [BUILD_DIR]   (BUILD_DIR holds src/shm-create etc.; default build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
work=$(mktemp -d)
holder=""
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/probe.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int getlk(int fd, off_t at) {
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = at, .l_len = 1};
    return fcntl(fd, F_OFD_GETLK, &l) == 0 && l.l_type != F_UNLCK;
}
static int procstat(pid_t pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 && strrchr(buf, ')') != NULL;
}
int main(int argc, char **argv) {
    const int rounds = 200000;
    int owner = open(argv[1], O_RDWR), asker = open(argv[1], O_RDONLY);
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)1 << 40, .l_len = 1};
    if (owner < 0 || asker < 0 || fcntl(owner, F_OFD_SETLK, &l) != 0) { perror("setup"); return 1; }
    /* 64 other participants' locks on the same file, as a busy key would have */
    for (int i = 0; i < 64; ++i) {
        int other = open(argv[1], O_RDWR);
        struct flock o = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = ((off_t)1 << 41) + i, .l_len = 1};
        if (other < 0 || fcntl(other, F_OFD_SETLK, &o) != 0) { perror("others"); return 1; }
    }
    int hits = 0;
    double t = now();
    for (int i = 0; i < rounds; ++i) hits += getlk(asker, (off_t)1 << 40);
    double live = (now() - t) / rounds * 1e9;
    t = now();
    for (int i = 0; i < rounds; ++i) hits += getlk(asker, ((off_t)1 << 40) + 1);
    double dead = (now() - t) / rounds * 1e9;
    t = now();
    for (int i = 0; i < rounds; ++i) hits += procstat(getppid());
    double proc = (now() - t) / rounds * 1e9;
    printf("F_OFD_GETLK, live token (65 locks on the file): %.0f ns\n", live);
    printf("F_OFD_GETLK, dead token:                       %.0f ns\n", dead);
    printf("open+read+close /proc/PID/stat (old check):    %.0f ns\n", proc);
    return hits == 0;
}
C
cc -O2 -o "$work/probe" "$work/probe.c"
touch "$work/keyfile"
"$work/probe" "$work/keyfile"

# Idle CPU of a waiting reader: `shm-read --wait` for 10 s while nothing is published.
export TMPDIR=$work SHM_KEY=liveness-cost-$$
holder=$("$build/src/shm-create" -d -q -s 4096)
"$build/src/shm-read" --wait -t 10 >/dev/null 2>&1 & reader=$!
sleep 0.5
# CPU time of the whole process in ns: utime+stime (/proc/PID/stat, in clock ticks) and, more
# finely, the scheduler's own count (/proc/PID/task/*/schedstat, first field).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
before=$(ticks "$reader"); before_ns=$(cpu_ns "$reader")
sleep 9
after=$(ticks "$reader"); after_ns=$(cpu_ns "$reader")
hz=$(getconf CLK_TCK)
wait "$reader" || true
echo "shm-read --wait, idle 9 s: utime+stime $((after - before)) ticks (1 tick = $((1000 / hz)) ms);" \
  "scheduler: $(((after_ns - before_ns) / 1000)) us of CPU = $(awk -v n=$((after_ns - before_ns)) 'BEGIN { printf "%.4f", n / 9e9 * 100 }') % of one core"
