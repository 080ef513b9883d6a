// SPDX-License-Identifier: BSD-3-Clause
// Peak RSS of a command, for scripts/bench.sh (hyperfine does not report memory).
//
//   bench_peak_rss RUNS COMMAND [ARG...]
//       runs COMMAND RUNS times (stdin and stdout /dev/null) and prints {"kib": MEDIAN} of its
//       ru_maxrss (wait4). A command that fails fails this program.
//
// ru_maxrss counts the shared segment pages the process touched (RssShmem), not private copies.
#include "timing.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 3 || std::atoi(argv[1]) < 1) {
        std::fprintf(stderr, "usage: bench_peak_rss RUNS COMMAND [ARG...]\n");
        return 2;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    std::vector<std::int64_t> kib;
    for (int run = 0; run < std::atoi(argv[1]); ++run) {
        pid_t pid = 0;
        if (posix_spawnp(&pid, argv[2], &actions, nullptr, argv + 2, environ) != 0) {
            std::perror("bench_peak_rss: cannot start the command");
            return 1;
        }
        int status = 0;
        rusage usage{};
        if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "bench_peak_rss: %s failed\n", argv[2]);
            return 1;
        }
        kib.push_back(usage.ru_maxrss);
    }
    posix_spawn_file_actions_destroy(&actions);
    std::printf("{\"kib\": %lld}\n", static_cast<long long>(median(kib)));
    return 0;
}
