// SPDX-License-Identifier: BSD-3-Clause
// LD_PRELOAD shim for the wake-up latency measurement in scripts/bench.sh.
//
// shm-load publishes a version by bumping the futex word and calling
// syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, ...). This shim notes CLOCK_MONOTONIC right
// before that call and, after it, appends the time (ns) to $SHM_BENCH_PUBLISH_LOG, so the driver
// can subtract the publish moment from the moment the reader's output arrived. Everything else
// is passed through untouched; without the variable the shim does nothing.
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

using SyscallFn = long (*)(long, ...);
SyscallFn g_real = nullptr;
const char *g_log = nullptr;

__attribute__((constructor)) void setUp()
{
    g_real = reinterpret_cast<SyscallFn>(dlsym(RTLD_NEXT, "syscall"));
    g_log = std::getenv("SHM_BENCH_PUBLISH_LOG");
}

} // namespace

extern "C" long syscall(long number, ...)
{
    // Six register-sized arguments, as glibc's own syscall() forwards them.
    va_list args;
    va_start(args, number);
    long a[6];
    for (long &arg : a)
        arg = va_arg(args, long);
    va_end(args);
    if (!g_real)
        setUp();

    const bool publish = g_log && number == SYS_futex && (a[1] & FUTEX_CMD_MASK) == FUTEX_WAKE && a[2] == INT_MAX;
    timespec at{};
    if (publish)
        clock_gettime(CLOCK_MONOTONIC, &at);
    const long rc = g_real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (publish) {
        // Written after the wake so that the logging never delays the waiter.
        const int saved = errno;
        const int fd = open(g_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            dprintf(fd, "%lld\n", static_cast<long long>(at.tv_sec) * 1000000000LL + at.tv_nsec);
            close(fd);
        }
        errno = saved;
    }
    return rc;
}
