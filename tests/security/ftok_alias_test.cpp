// SPDX-License-Identifier: BSD-3-Clause
// An ftok collision: another TMPDIR whose key files map to the same System V keys as ours is
// refused with exit 9, never taken for our segment; a holder started there replaces those key
// files with new ones, under other System V keys, and leaves ours alone.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "sys/futex.h"
#include "protocol/segment_list.h"

#include "support/catch_compat.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;

using namespace shmtest;

namespace {

std::string fileName(const std::string &path)
{
    return std::filesystem::path(path).filename().string();
}

/// Creates DIR/NAME as a new file whose inode agrees with TARGET's in the low 16 bits, the
/// part ftok() keeps: files are made and dropped until one matches (tmpfs numbers inodes in
/// sequence, so this takes at most 65536 tries), then renamed into place (same inode).
void makeAliasingFile(const std::string &dir, const std::string &name, ino_t target)
{
    const std::string candidate = dir + "/candidate";
    for (int attempt = 0; attempt < 4 * 65536; ++attempt) {
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0640);
        REQUIRE(fd >= 0);
        struct stat info {};
        REQUIRE(::fstat(fd, &info) == 0);
        ::close(fd);
        if ((info.st_ino & 0xffff) == (target & 0xffff)) {
            REQUIRE(::rename(candidate.c_str(), (dir + "/" + name).c_str()) == 0);
            return;
        }
        ::unlink(candidate.c_str());
    }
    FAIL("no inode agreeing with " << target << " in its low 16 bits");
}

ino_t inodeOf(const std::string &path)
{
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_ino;
}

/// A directory on tmpfs (/dev/shm), removed with its content at the end of the scope.
class TmpfsDir {
public:
    TmpfsDir()
    {
        char pattern[] = "/dev/shm/shmtest-dir-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        m_path = pattern;
    }
    ~TmpfsDir() { std::filesystem::remove_all(m_path); }
    const std::string &path() const { return m_path; }

private:
    std::string m_path;
};

} // namespace

TEST_CASE("another TMPDIR whose key files alias ours (ftok) is refused with exit 9, a holder there makes its own",
          "[ftok]")
{
    const std::string key = uniqueKey("alias");
    KeyGuard guard(key);
    TmpfsDir one, two;
    RunOptions inOne, inTwo;
    inOne.env = {{"TMPDIR", one.path()}};
    inTwo.env = {{"TMPDIR", two.path()}};
    const std::string content = "TMPDIR one's data " + randomBytes(1000, false);

    const ProcessResult started = run(Tool::Create, {"-d", "-q", "-k", key, "-s", "64K"}, inOne);
    REQUIRE_EXIT(started, 0);
    const pid_t holder = std::stoi(started.out);
    REQUIRE_EXIT(run(Tool::Load, {"-k", key, "-"},
                     [&] {
                         RunOptions options = inOne;
                         options.stdinData = content;
                         return options;
                     }()),
                 0);
    const std::string segmentFile = fileName(shmKeyFile(key)), semaphoreFile = fileName(semKeyFile(key));
    makeAliasingFile(two.path(), segmentFile, inodeOf(one.path() + "/" + segmentFile));
    makeAliasingFile(two.path(), semaphoreFile, inodeOf(one.path() + "/" + semaphoreFile));
    REQUIRE(::ftok((two.path() + "/" + segmentFile).c_str(), 'Q') ==
            ::ftok((one.path() + "/" + segmentFile).c_str(), 'Q'));

    const ProcessResult read = run(Tool::Read, {"-k", key, "-t", "3"}, inTwo);
    CHECK_EXIT(read, 9);
    CHECK(read.out.empty());
    CHECK_THAT(read.err, Catch::Matchers::ContainsSubstring("collision") && Catch::Matchers::ContainsSubstring(one.path()));
    RunOptions loadTwo = inTwo;
    loadTwo.stdinData = "TMPDIR two's data";
    CHECK_EXIT(run(Tool::Load, {"-k", key, "-t", "3", "-"}, loadTwo), 9);
    // A holder in TMPDIR two puts new key files in place of the aliasing ones: its segment and
    // semaphore are its own, under other System V keys.
    const ProcessResult create = run(Tool::Create, {"-d", "-q", "-k", key, "-s", "64K", "-t", "3"}, inTwo);
    REQUIRE_EXIT(create, 0);
    const pid_t holderTwo = std::stoi(create.out);
    CHECK(::ftok((two.path() + "/" + segmentFile).c_str(), 'Q') !=
          ::ftok((one.path() + "/" + segmentFile).c_str(), 'Q'));
    CHECK(::ftok((two.path() + "/" + semaphoreFile).c_str(), 'Q') !=
          ::ftok((one.path() + "/" + semaphoreFile).c_str(), 'Q'));
    CHECK_EXIT(run(Tool::Load, {"-k", key, "-t", "3", "-"}, loadTwo), 0);
    const ProcessResult readTwo = run(Tool::Read, {"-k", key, "-t", "3"}, inTwo);
    CHECK_EXIT(readTwo, 0);
    CHECK(readTwo.out == "TMPDIR two's data");
    ::kill(holderTwo, SIGTERM);
    CHECK(waitGone(holderTwo, 20).gone);

    // TMPDIR one's data is untouched, and its lock still works after two's holder stopped.
    const ProcessResult still = run(Tool::Read, {"-k", key}, inOne);
    CHECK_EXIT(still, 0);
    CHECK(still.out == content);
    ::kill(holder, SIGTERM);
    CHECK(waitGone(holder, 20).gone);
}
