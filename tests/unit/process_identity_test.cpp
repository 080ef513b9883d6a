// SPDX-License-Identifier: BSD-3-Clause
#include "sys/process_identity.h"

#include "support/catch_compat.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <string>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace shmtools::detail;

TEST_CASE("this process is alive and has a start time", "[process]")
{
    const ProcessIdentity me = ProcessIdentity::self();
    CHECK(me.pid == ::getpid());
    CHECK(me.startTime > 0);
    CHECK(me.isAlive());
}

TEST_CASE("a PID with another start time is a different process", "[process]")
{
    ProcessIdentity me = ProcessIdentity::self();
    me.startTime += 1;
    CHECK_FALSE(me.isAlive());
}

TEST_CASE("an exited child is dead even before it is reaped", "[process]")
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0)
        ::_exit(0);
    const ProcessIdentity identity = ProcessIdentity::of(child);
    // Wait until it is a zombie (exited, not reaped) without reaping it.
    siginfo_t info{};
    REQUIRE(::waitid(P_PID, child, &info, WEXITED | WNOWAIT) == 0);
    CHECK_FALSE(ProcessIdentity{child, identity.startTime}.isAlive());
    CHECK(ProcessIdentity::of(child).pid == 0);
    ::waitpid(child, nullptr, 0);
    CHECK_FALSE(ProcessIdentity{child, identity.startTime}.isAlive());
}

TEST_CASE("a process whose main thread exited lives, and shows its descriptors, while a thread runs", "[process]")
{
    char file[] = "/tmp/shmtest-open-XXXXXX";
    const int fd = ::mkstemp(file);
    REQUIRE(fd >= 0);
    struct stat info {};
    REQUIRE(::fstat(fd, &info) == 0);
    const FileIdentity id{static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        pthread_t worker;
        ::pthread_create(&worker, nullptr, [](void *) -> void * { ::pause(); return nullptr; }, nullptr);
        // What pthread_exit() does, without unwinding through the test framework's frames.
        ::syscall(SYS_exit, 0);
    }
    const auto mainThreadExited = [&] {
        char state = 0;
        const std::string stat = "/proc/" + std::to_string(child) + "/stat";
        FILE *in = std::fopen(stat.c_str(), "re");
        if (in) {
            [[maybe_unused]] const int n = std::fscanf(in, "%*d %*s %c", &state);
            std::fclose(in);
        }
        return state == 'Z';
    };
    for (int i = 0; i < 500 && !mainThreadExited(); ++i)
        ::usleep(10000);
    REQUIRE(mainThreadExited());
    CHECK(ProcessIdentity::of(child).pid == child);
    CHECK(procDirOf(child) != "/proc/" + std::to_string(child));
    CHECK(processHasFileOpen(child, id));
    CHECK(directorySeenBy(child, "/tmp").has_value());
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(fd);
    ::unlink(file);
    CHECK(ProcessIdentity::of(child).pid == 0);
}
