// SPDX-License-Identifier: BSD-3-Clause
#include "sys/process_identity.h"

#include "support/catch_compat.h"
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
