// SPDX-License-Identifier: BSD-3-Clause
// The content to load (sys/input_source): a file by path, standard input, a descriptor, a FIFO,
// bytes in memory; what each says about its size, where reading starts, which descriptors it
// closes, and how it fails. Real files in a scratch directory, real pipes.
#include "sys/input_source.h"

#include "sys/interrupt.h"

#include "unit_support.h"

#include <QTemporaryDir>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using unit::ChildProcess;
using unit::inChild;
using unit::openDescriptors;
using unit::Pipe;

namespace {

struct Scratch {
    QTemporaryDir dir;
    std::string path(const char *name) const { return dir.path().toStdString() + "/" + name; }
    std::string write(const char *name, const std::string &content) const
    {
        const std::string file = path(name);
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }
};

/// Bytes 0..255 over and over, NULs included, `length` of them.
std::string bytes(std::size_t length)
{
    std::string text(length, '\0');
    for (std::size_t i = 0; i < length; ++i)
        text[i] = static_cast<char>(i * 31 % 256);
    return text;
}

/// Everything the source gives until it says 0, read `chunk` bytes at a time.
std::string readAll(InputSource &source, std::size_t chunk = 4096)
{
    std::string all;
    std::string buffer(chunk, '\0');
    for (;;) {
        auto n = source.read(buffer.data(), buffer.size());
        REQUIRE(n);
        if (*n == 0)
            return all;
        all.append(buffer.data(), *n);
    }
}

/// A thread writing `content` into the pipe in writes of at most `chunk` bytes, then closing its
/// write end: the input's end.
std::thread writerOf(Pipe &pipe, const std::string &content, std::size_t chunk)
{
    return std::thread([&pipe, &content, chunk] {
        for (std::size_t done = 0; done < content.size();) {
            const ssize_t n = ::write(pipe.fds[1], content.data() + done, std::min(chunk, content.size() - done));
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        pipe.closeWrite();
    });
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

} // namespace

TEST_CASE("input: a file by path is read whole, its size known, its descriptor closed afterwards", "[input_source]")
{
    Scratch scratch;
    const std::string content = bytes(100'000);
    const std::string file = scratch.write("input", content);
    const int before = openDescriptors();
    {
        auto source = InputSource::open(file);
        REQUIRE(source);
        CHECK(source->name() == file);
        CHECK(source->knownSize() == std::optional<std::uint64_t>(content.size()));
        CHECK(readAll(*source, 7777) == content);
        CHECK(openDescriptors() == before + 1);
    }
    CHECK(openDescriptors() == before);
}

TEST_CASE("input: a missing file or a directory is InputUnreadable with the system's reason, nothing left open",
          "[input_source]")
{
    Scratch scratch;
    const int before = openDescriptors();
    struct Case {
        std::string path;
        int error;
    };
    for (const Case &c : {Case{scratch.path("missing"), ENOENT}, Case{scratch.dir.path().toStdString(), EISDIR}}) {
        INFO(c.path);
        auto source = InputSource::open(c.path);
        REQUIRE_FALSE(source);
        CHECK(source.error().code == ErrorCode::InputUnreadable);
        CHECK(source.error().message == c.path + ": " + std::strerror(c.error));
    }
    CHECK(openDescriptors() == before);
}

TEST_CASE("input: \"-\" is standard input, named stdin, and left open", "[input_source]")
{
    CHECK(inChild([] {
              // In a child: standard input becomes a pipe here.
              int fds[2];
              if (::pipe(fds) != 0 || ::dup2(fds[0], STDIN_FILENO) != STDIN_FILENO)
                  return 1;
              if (::write(fds[1], "from stdin", 10) != 10)
                  return 2;
              ::close(fds[1]);
              {
                  auto source = InputSource::open("-");
                  if (!source || source->name() != "stdin" || source->knownSize())
                      return 3;
                  char text[32];
                  auto n = source->read(text, sizeof text);
                  if (!n || std::string(text, *n) != "from stdin")
                      return 4;
              }
              return isOpen(STDIN_FILENO) ? 0 : 5;
          }) == 0);
}

TEST_CASE("input: a regular file by descriptor is read whole from its start, its offset and descriptor untouched",
          "[input_source]")
{
    Scratch scratch;
    const std::string content = bytes(10'000);
    const int fd = ::open(scratch.write("input", content).c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::lseek(fd, 1234, SEEK_SET) == 1234);
    {
        auto source = InputSource::fromDescriptor(fd, "the file");
        REQUIRE(source);
        CHECK(source->name() == "the file");
        CHECK(source->knownSize() == std::optional<std::uint64_t>(content.size()));
        CHECK(readAll(*source, 999) == content);
    }
    CHECK(isOpen(fd));
    CHECK(::lseek(fd, 0, SEEK_CUR) == 1234);
    ::close(fd);
}

TEST_CASE("input: a pipe by descriptor is read to its end, its size unknown", "[input_source]")
{
    Pipe pipe;
    const std::string content = bytes(1'000'000); // far beyond a pipe's capacity
    std::thread writer = writerOf(pipe, content, content.size());
    auto source = InputSource::fromDescriptor(pipe.fds[0], "the pipe");
    REQUIRE(source);
    CHECK_FALSE(source->knownSize());
    const std::string received = readAll(*source);
    writer.join();
    CHECK(received == content);
    CHECK(isOpen(pipe.fds[0]));
}

TEST_CASE("input: a non-blocking pipe with nothing to read yet is waited on, not an error", "[input_source]")
{
    Pipe pipe;
    REQUIRE(::fcntl(pipe.fds[0], F_SETFL, O_NONBLOCK) == 0);
    const std::string content = bytes(4u << 20); // a reader faster than the writer finds it empty often
    std::thread writer = writerOf(pipe, content, 4096);
    auto source = InputSource::fromDescriptor(pipe.fds[0], "the pipe");
    REQUIRE(source);
    const std::string received = readAll(*source, 65536);
    writer.join();
    CHECK(received.size() == content.size());
    CHECK(received == content);
}

TEST_CASE("input: a descriptor that is not open, or a directory, is InputUnreadable named as given", "[input_source]")
{
    Scratch scratch;
    SECTION("not open")
    {
        Pipe pipe;
        const int closed = pipe.fds[0];
        pipe.closeRead();
        auto source = InputSource::fromDescriptor(closed, "gone");
        REQUIRE_FALSE(source);
        CHECK(source.error().code == ErrorCode::InputUnreadable);
        CHECK(source.error().message == std::string("gone: ") + std::strerror(EBADF));
    }
    SECTION("a directory")
    {
        const int fd = ::open(scratch.dir.path().toUtf8().constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        auto source = InputSource::fromDescriptor(fd, "a directory");
        REQUIRE_FALSE(source);
        CHECK(source.error().code == ErrorCode::InputUnreadable);
        CHECK(source.error().message == std::string("a directory: ") + std::strerror(EISDIR));
        CHECK(isOpen(fd)); // not ours to close
        ::close(fd);
    }
}

TEST_CASE("input: a FIFO is opened once its writer comes, and read to its end", "[input_source]")
{
    Scratch scratch;
    const std::string fifo = scratch.path("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    ChildProcess writer([&](int, int) {
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC); // waits for the reader
        return fd >= 0 && ::write(fd, "through the fifo", 16) == 16 ? 0 : 1;
    });
    auto source = InputSource::open(fifo);
    REQUIRE(source);
    CHECK_FALSE(source->knownSize());
    CHECK(readAll(*source) == "through the fifo");
    CHECK(writer.wait() == 0);
}

TEST_CASE("input: an interrupt ends the wait for a FIFO's writer, or for a pipe's next bytes", "[input_source]")
{
    Scratch scratch;
    const std::string fifo = scratch.path("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // In a child of its own: the interrupt handlers and the signal they record are process-wide.
    CHECK(inChild([&] {
              installInterruptHandlers();
              // Already there when the wait would start: it must not start. The FIFO gets no writer.
              ::raise(SIGTERM);
              auto opening = InputSource::open(fifo);
              if (opening || opening.error().code != ErrorCode::Interrupted ||
                  opening.error().message.find("waiting for a writer") == std::string::npos)
                  return 1;
              int fds[2];
              if (::pipe(fds) != 0) // its write end stays open: nothing, and no end, comes
                  return 2;
              auto source = InputSource::fromDescriptor(fds[0], "the pipe");
              if (!source)
                  return 3;
              char byte;
              auto n = source->read(&byte, 1);
              return !n && n.error().code == ErrorCode::Interrupted ? 0 : 4;
          }) == 0);
}

TEST_CASE("input: bytes in memory are read as they are, in any chunks, their size known", "[input_source]")
{
    const std::string content = bytes(5000);
    auto source = InputSource::fromBuffer(std::as_bytes(std::span(content.data(), content.size())), "memory");
    CHECK(source.name() == "memory");
    CHECK(source.knownSize() == std::optional<std::uint64_t>(5000));
    CHECK(readAll(source, 333) == content);
    char byte;
    CHECK(*source.read(&byte, 1) == 0); // and stays at its end
}

TEST_CASE("input: a moved source reads on, and only it closes the descriptor", "[input_source]")
{
    Scratch scratch;
    const std::string file = scratch.write("input", "moved content");
    const int before = openDescriptors();
    std::optional<InputSource> moved;
    {
        auto opened = InputSource::open(file);
        REQUIRE(opened);
        moved.emplace(std::move(*opened));
    } // the moved-from source goes first: it must not close what the moved one reads
    CHECK(moved->name() == file);
    CHECK(readAll(*moved) == "moved content");
    moved.reset();
    CHECK(openDescriptors() == before);
}
