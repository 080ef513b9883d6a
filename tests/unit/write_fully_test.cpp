// SPDX-License-Identifier: BSD-3-Clause
// The one write loop (sys/write_fully), shared by the library and the tools: everything written,
// in the chunks asked for, through a non-blocking pipe that fills up, and the errno that stops it.
#include "sys/write_fully.h"

#include "unit_support.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace shmtools::detail;
using unit::Pipe;

namespace {

// Everything `fd` gives until end of file.
std::string drain(int fd)
{
    std::string all;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        all.append(buffer, static_cast<std::size_t>(n));
    }
    return all;
}

std::string pattern(std::size_t length)
{
    std::string text(length, '\0');
    for (std::size_t i = 0; i < length; ++i)
        text[i] = static_cast<char>('a' + (i * 7) % 26);
    return text;
}

} // namespace

TEST_CASE("write loop: every byte arrives, reported after each chunk", "[write_fully]")
{
    Pipe pipe;
    const std::string text = pattern(10'000); // below a pipe's capacity: no reader needed
    std::vector<std::size_t> progress;
    CHECK(writeFully(pipe.fds[1], text.data(), text.size(), [&](std::size_t done) { progress.push_back(done); },
                     4096) == 0);
    pipe.closeWrite();
    CHECK(drain(pipe.fds[0]) == text);
    CHECK(progress == std::vector<std::size_t>{4096, 8192, 10'000});
}

TEST_CASE("write loop: a full non-blocking pipe is waited out, not an error", "[write_fully]")
{
    Pipe pipe;
    REQUIRE(::fcntl(pipe.fds[1], F_SETFL, O_NONBLOCK) == 0);
    const std::string text = pattern(4u << 20); // 64 times a pipe's default capacity
    std::string received;
    std::thread reader([&] { received = drain(pipe.fds[0]); });
    const int error = writeFully(pipe.fds[1], text.data(), text.size());
    pipe.closeWrite();
    reader.join();
    CHECK(error == 0);
    CHECK(received.size() == text.size());
    CHECK(received == text);
}

TEST_CASE("write loop: the errno that stops it is returned, nothing retried for ever", "[write_fully]")
{
    SECTION("the reader has gone: EPIPE (with SIGPIPE ignored, as the tools have it)")
    {
        struct sigaction ignore {}, previous{};
        ignore.sa_handler = SIG_IGN;
        REQUIRE(::sigaction(SIGPIPE, &ignore, &previous) == 0);
        Pipe pipe;
        pipe.closeRead();
        const std::string text = pattern(100);
        const int error = writeFully(pipe.fds[1], text.data(), text.size());
        ::sigaction(SIGPIPE, &previous, nullptr);
        CHECK(error == EPIPE);
    }
    SECTION("a descriptor that is not open: EBADF")
    {
        Pipe pipe;
        const int closed = pipe.fds[1];
        pipe.closeWrite();
        CHECK(writeFully(closed, "x", 1) == EBADF);
    }
    SECTION("nothing to write succeeds at once, without a write")
    {
        std::size_t calls = 0;
        CHECK(writeFully(-1, "", 0, [&](std::size_t) { ++calls; }) == 0);
        CHECK(calls == 0);
    }
}
