// SPDX-License-Identifier: BSD-3-Clause
#include "sys/sysv.h"

#include "support/catch_compat.h"
#include <QTemporaryDir>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;

namespace {
// Every test gets its own TMPDIR, so key files never collide with other tests or users.
struct ScratchTmpdir {
    QTemporaryDir dir;
    std::string saved;
    bool had;
    ScratchTmpdir()
    {
        const char *previous = std::getenv("TMPDIR");
        had = previous != nullptr;
        saved = had ? previous : "";
        ::setenv("TMPDIR", dir.path().toUtf8().constData(), 1);
    }
    ~ScratchTmpdir() { had ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR"); }
};
} // namespace

TEST_CASE("no key file means no such segment, naming the file and TMPDIR", "[sysv]")
{
    ScratchTmpdir tmp;
    const auto names = ipcNamesFor("nothing-here");
    REQUIRE(names.ok());
    const auto shmid = findSegment(*names);
    REQUIRE_FALSE(shmid.ok());
    CHECK(shmid.error().code == ErrorCode::NoSegment);
    CHECK_THAT(shmid.error().message, Catch::Matchers::ContainsSubstring("no such segment") &&
                                          Catch::Matchers::ContainsSubstring(names->segmentKeyFile) &&
                                          Catch::Matchers::ContainsSubstring(names->tempDir));
}

TEST_CASE("a key file without a segment is no such segment", "[sysv]")
{
    ScratchTmpdir tmp;
    const auto names = ipcNamesFor("stale-key-file");
    REQUIRE(names.ok());
    std::ofstream(names->segmentKeyFile).put('\n');
    const auto shmid = findSegment(*names);
    REQUIRE_FALSE(shmid.ok());
    CHECK(shmid.error().code == ErrorCode::NoSegment);
}

TEST_CASE("a key file that is a symlink is refused", "[sysv]")
{
    ScratchTmpdir tmp;
    const auto names = ipcNamesFor("planted");
    REQUIRE(names.ok());
    REQUIRE(::symlink("/etc/passwd", names->segmentKeyFile.c_str()) == 0);
    const auto shmid = findSegment(*names);
    REQUIRE_FALSE(shmid.ok());
    CHECK(shmid.error().code == ErrorCode::Unsafe);
    CHECK_THAT(shmid.error().message, Catch::Matchers::ContainsSubstring("refusing"));
}

TEST_CASE("ownership: only our own 0600 segments are accepted", "[sysv]")
{
    const auto names = ipcNamesFor("ownership");
    REQUIRE(names.ok());
    SegmentStatus status;
    status.shmid = 7;
    status.uid = status.cuid = ::geteuid();
    status.mode = 0600;
    CHECK(requireOwnedSegment(status, *names).ok());

    SECTION("group or other bits")
    {
        status.mode = GENERATE(0660, 0604, 0666, 0640);
        const auto verdict = requireOwnedSegment(status, *names);
        REQUIRE_FALSE(verdict.ok());
        CHECK(verdict.error().code == ErrorCode::Unsafe);
        CHECK_THAT(verdict.error().message, Catch::Matchers::ContainsSubstring("ipcrm -m 7"));
    }
    SECTION("another owner or creator")
    {
        status.uid += GENERATE(0, 1);
        status.cuid += status.uid == ::geteuid() ? 1 : 0;
        CHECK(requireOwnedSegment(status, *names).error().code == ErrorCode::Unsafe);
    }
}
