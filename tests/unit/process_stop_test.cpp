// SPDX-License-Identifier: BSD-3-Clause
// Stopping a recognised process through a pidfd (sys/process_stop), with child processes of this
// one as the processes stopped: one that dies of SIGTERM, one that ignores it, one that is not
// the process meant any more, one long gone.
#include "sys/process_stop.h"

#include "sys/interrupt.h"

#include "unit_support.h"

#include <cerrno>
#include <csignal>
#include <grp.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using shmtools::Remedy;
using shmtools::Status;
using unit::ChildProcess;
using unit::inChild;

namespace {

/// A child that waits until it is released, or killed; with `ignoreTerm`, SIGTERM does not end it.
ChildProcess::Body waiter(bool ignoreTerm = false)
{
    return [ignoreTerm](int readyFd, int releaseFd) {
        if (ignoreTerm)
            ::signal(SIGTERM, SIG_IGN);
        ChildProcess::tellReady(readyFd);
        ChildProcess::waitForRelease(releaseFd);
        return 0;
    };
}

} // namespace

TEST_CASE("process stop: the process meant gets SIGTERM, and the call returns once it has exited", "[process_stop]")
{
    ChildProcess child(waiter());
    REQUIRE(child.ready());
    int asked = 0;
    const Status stopped = stopProcess(
        child.pid(), [&] { return ++asked, true; }, Deadline::after(30));
    CHECK(stopped.ok());
    CHECK(asked == 1);
    CHECK(child.wait() == 100 + SIGTERM);
}

TEST_CASE("process stop: a process that is not the one meant any more is not signalled", "[process_stop]")
{
    ChildProcess child(waiter());
    REQUIRE(child.ready());
    const Status stopped = stopProcess(
        child.pid(), [] { return false; }, Deadline::after(30));
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.error().code == ErrorCode::NoSegment);
    CHECK_THAT(stopped.error().message, Catch::Matchers::ContainsSubstring("has exited"));
    child.release(); // it was never signalled: it ends only now, on its own
    CHECK(child.wait() == 0);
}

TEST_CASE("process stop: a process already gone is NoSegment, naming its PID", "[process_stop]")
{
    pid_t gone = 0;
    {
        ChildProcess child(waiter());
        REQUIRE(child.ready());
        gone = child.pid();
        child.release();
        REQUIRE(child.wait() == 0); // reaped: no process has that PID now (until reused)
    }
    // A PID reused meanwhile is asked about, and the answer "not the one" sends nothing.
    const Status stopped = stopProcess(
        gone, [] { return false; }, Deadline::after(30));
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.error().code == ErrorCode::NoSegment);
    CHECK_THAT(stopped.error().message, Catch::Matchers::ContainsSubstring("PID " + std::to_string(gone)));
}

TEST_CASE("process stop: a process that outlives the deadline is TimedOut, with the PID and the remedy",
          "[process_stop]")
{
    ChildProcess child(waiter(true));
    REQUIRE(child.ready());
    const Status stopped = stopProcess(
        child.pid(), [] { return true; }, Deadline::after(0.05));
    REQUIRE_FALSE(stopped.ok());
    CHECK(stopped.error().code == ErrorCode::TimedOut);
    CHECK(stopped.error().pid == child.pid());
    CHECK(stopped.error().remedy == Remedy::RaiseTimeout);
    CHECK_THAT(stopped.error().message, Catch::Matchers::ContainsSubstring("did not exit within 0.05 s"));
    child.release(); // it is still there, and ends normally
    CHECK(child.wait() == 0);
}

TEST_CASE("process stop: an interrupt ends the wait for a process that does not exit", "[process_stop]")
{
    // In a child of its own: the interrupt handlers and the signal they record are process-wide.
    CHECK(inChild([] {
              ChildProcess stubborn(waiter(true));
              if (!stubborn.ready())
                  return 1;
              installInterruptHandlers();
              ::raise(SIGINT); // before the wait starts: the wait must not even begin
              const Status stopped = stopProcess(
                  stubborn.pid(), [] { return true; }, Deadline::never());
              if (stopped.ok() || stopped.error().code != ErrorCode::Interrupted)
                  return 2;
              return stopped.error().message.find("interrupted while waiting") != std::string::npos ? 0 : 3;
          }) == 0);
}

TEST_CASE("process stop: no descriptor left for a pidfd is a Failure naming the limit", "[process_stop]")
{
    ChildProcess target(waiter());
    REQUIRE(target.ready());
    const pid_t pid = target.pid();
    CHECK(inChild([pid] {
              // Descriptors 0-2 only, and a limit of 3: the pidfd cannot be had.
              for (int fd = 3; fd < 1024; ++fd)
                  ::close(fd);
              const rlimit low{3, 3};
              if (::setrlimit(RLIMIT_NOFILE, &low) != 0)
                  return 1;
              bool asked = false;
              const Status stopped = stopProcess(
                  pid, [&] { return asked = true; }, Deadline::after(30));
              if (stopped.ok() || stopped.error().code != ErrorCode::Failure || asked)
                  return 2;
              return stopped.error().message.find("RLIMIT_NOFILE") != std::string::npos ? 0 : 3;
          }) == 0);
    target.release(); // not signalled
    CHECK(target.wait() == 0);
}

TEST_CASE("process stop: a process not ours to signal is Unsafe, and left alone", "[process_stop]")
{
    // A process of another user: as root, a child of this one tries from an unprivileged user
    // (nobody) on a root process (a waiter); otherwise PID 1, which kill(1, 0) shows is not ours.
    const bool root = ::geteuid() == 0;
    if (!root && (::kill(1, 0) == 0 || errno != EPERM))
        SKIP("PID 1 is this user's own (a user namespace): no process of another user to try");
    ChildProcess rootOwned(waiter());
    REQUIRE(rootOwned.ready());
    const pid_t target = root ? rootOwned.pid() : 1;
    CHECK(inChild([root, target] {
              constexpr uid_t kNobody = 65534;
              if (root && (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
                           ::setresuid(kNobody, kNobody, kNobody) != 0))
                  return 1;
              bool asked = false;
              const Status stopped = stopProcess(
                  target, [&] { return asked = true; }, Deadline::after(1));
              if (stopped.ok() || stopped.error().code != ErrorCode::Unsafe || stopped.error().pid != target)
                  return 2;
              const std::string said = "cannot signal PID " + std::to_string(target);
              return stopped.error().message.find(said) != std::string::npos ? 0 : 3;
          }) == 0);
    CHECK(::kill(rootOwned.pid(), 0) == 0); // left alone
    rootOwned.release();
    CHECK(rootOwned.wait() == 0);
}
