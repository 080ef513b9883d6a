// SPDX-License-Identifier: BSD-3-Clause
// Participants as the kernel knows them: OFD locks on a key file, in one process (two locks are
// two participants), across fork() (a child never keeps the parent's alive) and at the
// descriptor limit (a clear error, not a silent loss).

#include "sys/participant_lock.h"

#include "support/catch_compat.h"

#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;

namespace {

/// A key file of our own in a scratch directory, removed afterwards.
struct KeyFile {
    std::string dir;
    std::string path;
    FileIdentity id{};
    KeyFile()
    {
        char pattern[] = "/tmp/participant_lock_test.XXXXXX";
        dir = ::mkdtemp(pattern);
        path = dir + "/qipc_sharedmemory_key";
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
        struct stat info {};
        ::fstat(fd, &info);
        ::close(fd);
        id = {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
    }
    ~KeyFile()
    {
        ::unlink(path.c_str());
        ::rmdir(dir.c_str());
    }
    ParticipantLock take() const
    {
        auto lock = ParticipantLock::take(path, id, "k");
        REQUIRE(lock.ok());
        return std::move(*lock);
    }
};

} // namespace

TEST_CASE("participant: two locks in one process are two live participants", "[participant]")
{
    KeyFile file;
    ParticipantLock first = file.take();
    std::uint64_t gone = 0;
    {
        ParticipantLock second = file.take();
        gone = second.token();
        CHECK(first.token() != second.token());
        CHECK(first.token() >= (std::uint64_t{1} << 32));
        CHECK(first.isAlive(second.token()));
        CHECK(second.isAlive(first.token()));
        CHECK(first.isAlive(first.token())); // our own
        CHECK(probeToken(file.path, file.id, second.token()) == std::optional<bool>(true));
    }
    CHECK_FALSE(first.isAlive(gone)); // released with its descriptor, not with a process
    CHECK(probeToken(file.path, file.id, gone) == std::optional<bool>(false));
    CHECK_FALSE(first.isAlive(0));
    CHECK_FALSE(first.isAlive(12345)); // not a token anybody can take: a scribble
}

TEST_CASE("participant: a child of fork() neither uses nor keeps the parent's participant", "[participant]")
{
    KeyFile file;
    auto parent = std::make_unique<ParticipantLock>(file.take());
    const std::uint64_t token = parent->token();
    int toChild[2];
    int fromChild[2];
    REQUIRE(::pipe(toChild) == 0);
    REQUIRE(::pipe(fromChild) == 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // The fork handler has run once fork() returns here: say so, then wait for the parent's
        // word, so that the parent looks while the child still lives. Exit code 0 if the
        // inherited lock knows it was forked.
        const int code = parent->forked() ? 0 : 1;
        [[maybe_unused]] const ssize_t w = ::write(fromChild[1], "r", 1);
        char byte;
        [[maybe_unused]] const ssize_t n = ::read(toChild[0], &byte, 1);
        std::_Exit(code);
    }
    char ready;
    REQUIRE(::read(fromChild[0], &ready, 1) == 1);
    CHECK_FALSE(parent->forked());
    ParticipantLock observer = file.take();
    CHECK(observer.isAlive(token));
    parent.reset(); // the parent's participant ends while the child runs on
    CHECK_FALSE(observer.isAlive(token));
    [[maybe_unused]] const ssize_t n = ::write(toChild[1], "x", 1);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    ::close(fromChild[0]);
    ::close(fromChild[1]);
    ::close(toChild[0]);
    ::close(toChild[1]);
}

TEST_CASE("participant: no descriptor left is a clear error naming the limit", "[participant]")
{
    KeyFile file;
    const pid_t child = ::fork();
    if (child == 0) {
        // In a child: the limit must not hit the test runner.
        for (int fd = 3; fd < 1024; ++fd)
            ::close(fd);
        const rlimit low{3, 3};
        ::setrlimit(RLIMIT_NOFILE, &low);
        auto lock = ParticipantLock::take(file.path, file.id, "k");
        const bool clear = !lock && lock.error().message.find("RLIMIT_NOFILE") != std::string::npos &&
                           lock.error().message.find("ulimit -n") != std::string::npos;
        std::_Exit(clear ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("participant: a key file that is not a regular file is refused at once", "[participant]")
{
    KeyFile file;
    const std::string fifo = file.dir + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto lock = ParticipantLock::take(fifo, file.id, "k"); // would block for ever without O_NONBLOCK
    ::unlink(fifo.c_str());
    REQUIRE_FALSE(lock.ok());
    CHECK(lock.error().code == ErrorCode::Unsafe);
    SECTION("and so is a file other than the one ftok read")
    {
        auto other = ParticipantLock::take(file.path, {file.id.device, file.id.inode + 1}, "k");
        REQUIRE_FALSE(other.ok());
    }
}

// Issue 15 (break pass 5): a raw holder and a normal one starting at the same instant in two IPC
// namespaces on one TMPDIR both passed the look for a mark, then marked different bytes and both
// held the key files. Whichever kind marks second is refused now, and keeps no byte of its own.
TEST_CASE("participant: a raw and a normal holder never both mark one key file", "[participant]")
{
    const bool firstRaw = GENERATE(false, true);
    INFO("the first holder is " << (firstRaw ? "raw" : "normal"));
    KeyFile file;
    ParticipantLock first = file.take();
    ParticipantLock second = file.take();
    REQUIRE(first.markHolder(firstRaw));
    CHECK_FALSE(second.markHolder(!firstRaw));
    CHECK_FALSE(second.markHolder(firstRaw));
    const std::uint64_t firstMark = firstRaw ? kRawHolderMark : kHolderMark;
    const std::uint64_t secondMark = firstRaw ? kHolderMark : kRawHolderMark;
    CHECK(probeHolderMark(file.path, file.id, firstMark) == std::optional<bool>(true));
    CHECK(probeHolderMark(file.path, file.id, secondMark) == std::optional<bool>(false));
    {
        ParticipantLock dropped = std::move(first); // the first holder exits: the key file is free again
    }
    CHECK(second.markHolder(!firstRaw));
    CHECK(probeHolderMark(file.path, file.id, secondMark) == std::optional<bool>(true));
}
