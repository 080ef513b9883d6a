// SPDX-License-Identifier: BSD-3-Clause
#include "sys/interrupt.h"
#include "sys/write_fully.h"

#include "unit_support.h"

#include <cerrno>
#include <csignal>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace shmtools::detail;

// Interrupt handlers are process-wide and the signal they record stays recorded, so each case
// runs in a child process of its own: its exit code is the number of the first failed check.
using unit::inChild;

TEST_CASE("the interrupt handler leaves errno as the interrupted code had it", "[interrupt]")
{
    CHECK(inChild([] {
              installInterruptHandlers();
              std::uint32_t word = 0;
              setInterruptWakeWord(&word); // the handler then makes a system call
              if (!beginBlockingCall())    // and arms the repeat timer: another one
                  return 1;
              errno = EDOM;
              ::raise(SIGTERM);
              const int seen = errno;
              endBlockingCall();
              if (seen != EDOM)
                  return 2;
              if (interruptSignal() != SIGTERM || word != 1)
                  return 3;
              return 0;
          }) == 0);
}

TEST_CASE("after an interrupt, a blocking call is not even started", "[interrupt]")
{
    CHECK(inChild([] {
              installInterruptHandlers();
              ::raise(SIGINT);
              int pipeFds[2];
              if (::pipe(pipeFds) != 0)
                  return 1;
              char byte;
              // Would block for ever: nothing is ever written to the pipe.
              const ssize_t n = interruptibleCall([&] { return ::read(pipeFds[0], &byte, 1); });
              return n == -1 && errno == EINTR ? 0 : 2;
          }) == 0);
}

TEST_CASE("an interrupt ends a write blocked on a full pipe, even after a short write", "[interrupt][write]")
{
    CHECK(inChild([] {
              installInterruptHandlers();
              int pipeFds[2];
              if (::pipe(pipeFds) != 0)
                  return 1;
              const std::string data(1 << 20, 'x'); // sixteen times what the pipe holds
              // The signal comes from a second process once we are blocked (it cannot tell, so it
              // simply sends it repeatedly until we are gone).
              const pid_t parent = ::getpid();
              const pid_t sender = ::fork();
              if (sender == 0) {
                  for (;;) {
                      ::usleep(20000);
                      if (::kill(parent, SIGTERM) != 0)
                          ::_exit(0);
                  }
              }
              const int error = writeFully(pipeFds[1], data.data(), data.size());
              ::kill(sender, SIGKILL);
              ::waitpid(sender, nullptr, 0);
              return error == EINTR ? 0 : 2;
          }) == 0);
}

TEST_CASE("writeFully reports the error that stops it", "[write]")
{
    int pipeFds[2];
    REQUIRE(::pipe(pipeFds) == 0);
    ::close(pipeFds[0]);
    const auto previous = std::signal(SIGPIPE, SIG_IGN);
    const std::string data = "lost";
    CHECK(writeFully(pipeFds[1], data.data(), data.size()) == EPIPE);
    std::signal(SIGPIPE, previous);
    ::close(pipeFds[1]);
    CHECK(writeFully(-1, data.data(), data.size()) == EBADF);
}

TEST_CASE("writeFully writes everything in chunks and reports progress after each", "[write]")
{
    int pipeFds[2];
    REQUIRE(::pipe(pipeFds) == 0);
    const std::string data(10000, 'y');
    std::vector<std::size_t> progress;
    CHECK(writeFully(
              pipeFds[1], data.data(), data.size(), [&](std::size_t done) { progress.push_back(done); }, 4096) == 0);
    ::close(pipeFds[1]);
    std::string read(data.size() + 1, '\0');
    std::size_t total = 0;
    for (ssize_t n; (n = ::read(pipeFds[0], read.data() + total, read.size() - total)) > 0;)
        total += static_cast<std::size_t>(n);
    ::close(pipeFds[0]);
    CHECK(total == data.size());
    CHECK(progress == std::vector<std::size_t>{4096, 8192, 10000});
}
