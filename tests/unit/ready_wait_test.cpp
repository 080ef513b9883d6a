// SPDX-License-Identifier: BSD-3-Clause
// Waiting until a descriptor is ready (sys/ready_wait), on real pipes: ready at once, ready once
// another thread writes, a hang-up counts as ready, and an interrupt ends the wait.
#include "sys/ready_wait.h"

#include "sys/interrupt.h"

#include "unit_support.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <thread>

using namespace shmtools::detail;
using unit::inChild;
using unit::Pipe;

namespace {

/// What poll() says about `fd` now, without waiting.
short readyNow(int fd, short events)
{
    pollfd now{fd, events, 0};
    return ::poll(&now, 1, 0) == 1 ? now.revents : 0;
}

} // namespace

TEST_CASE("ready wait: a descriptor already ready returns at once", "[ready_wait]")
{
    Pipe pipe;
    CHECK(waitUntilReady(pipe.fds[1], POLLOUT) == 0); // an empty pipe has room
    REQUIRE(::write(pipe.fds[1], "x", 1) == 1);
    CHECK(waitUntilReady(pipe.fds[0], POLLIN) == 0);
}

TEST_CASE("ready wait: it returns only once the bytes are there", "[ready_wait]")
{
    Pipe pipe;
    std::thread writer([&] { [[maybe_unused]] const ssize_t n = ::write(pipe.fds[1], "late", 4); });
    CHECK(waitUntilReady(pipe.fds[0], POLLIN) == 0);
    CHECK((readyNow(pipe.fds[0], POLLIN) & POLLIN) != 0); // not an early return: they are there
    writer.join();
}

TEST_CASE("ready wait: a hang-up counts as ready, for the read to say what it is", "[ready_wait]")
{
    SECTION("the writer has gone: the read sees the end")
    {
        Pipe pipe;
        pipe.closeWrite();
        CHECK(waitUntilReady(pipe.fds[0], POLLIN) == 0);
    }
    SECTION("the reader has gone: the write sees EPIPE")
    {
        Pipe pipe;
        pipe.closeRead();
        CHECK(waitUntilReady(pipe.fds[1], POLLOUT) == 0);
    }
}

TEST_CASE("ready wait: an interrupt ends the wait with EINTR", "[ready_wait]")
{
    // In a child of its own: the interrupt handlers and the signal they record are process-wide.
    CHECK(inChild([] {
              int fds[2];
              if (::pipe(fds) != 0) // nothing is ever written, and the write end stays open
                  return 1;
              installInterruptHandlers();
              ::raise(SIGHUP);
              return waitUntilReady(fds[0], POLLIN) == EINTR ? 0 : 2;
          }) == 0);
}
