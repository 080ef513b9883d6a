// SPDX-License-Identifier: BSD-3-Clause
#include "temp_dir.h"

#include "support/catch_compat.h"

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

/// Sets or unsets $TMPDIR for one test, and puts back what was there before.
class TmpdirEnv {
public:
    explicit TmpdirEnv(const std::optional<std::string> &value)
    {
        if (const char *old = std::getenv("TMPDIR"))
            m_old = old;
        if (value)
            ::setenv("TMPDIR", value->c_str(), 1);
        else
            ::unsetenv("TMPDIR");
    }
    ~TmpdirEnv()
    {
        if (m_old)
            ::setenv("TMPDIR", m_old->c_str(), 1);
        else
            ::unsetenv("TMPDIR");
    }
    TmpdirEnv(const TmpdirEnv &) = delete;
    TmpdirEnv &operator=(const TmpdirEnv &) = delete;

private:
    std::optional<std::string> m_old;
};

std::string tmpdirNow()
{
    const char *value = std::getenv("TMPDIR");
    return value ? value : "(unset)";
}

/// A directory under /tmp for one test, removed with its content.
class ScratchDir {
public:
    ScratchDir()
    {
        char pattern[] = "/tmp/shm-temp-dir-test-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        m_path = std::filesystem::canonical(pattern);
    }
    ~ScratchDir() { std::filesystem::remove_all(m_path); }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
    const std::filesystem::path &path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace

TEST_CASE("resolveTempDir: an unset or empty TMPDIR means /tmp, written back resolved", "[temp_dir]")
{
    const std::optional<std::string> given = GENERATE(std::optional<std::string>(), std::optional<std::string>(""));
    CAPTURE(given.has_value());
    const TmpdirEnv env(given);
    REQUIRE(resolveTempDir().ok());
    CHECK(tmpdirNow() == std::filesystem::canonical("/tmp").string());
}

TEST_CASE("resolveTempDir: a relative or linked TMPDIR becomes the absolute directory it names", "[temp_dir]")
{
    const ScratchDir scratch;
    std::filesystem::create_directory(scratch.path() / "real");
    std::filesystem::create_directory_symlink(scratch.path() / "real", scratch.path() / "link");
    const std::string expected = (scratch.path() / "real").string();

    SECTION("through a symbolic link")
    {
        const TmpdirEnv env((scratch.path() / "link").string());
        REQUIRE(resolveTempDir().ok());
        CHECK(tmpdirNow() == expected);
    }
    SECTION("relative to the working directory, which may change afterwards (shm-create -d)")
    {
        const std::filesystem::path before = std::filesystem::current_path();
        std::filesystem::current_path(scratch.path());
        const TmpdirEnv env("link/../real");
        const shmtools::Status status = resolveTempDir();
        std::filesystem::current_path(before);
        REQUIRE(status.ok());
        CHECK(tmpdirNow() == expected);
    }
}

TEST_CASE("resolveTempDir: a TMPDIR that cannot hold key files is a usage error naming it", "[temp_dir]")
{
    const ScratchDir scratch;
    const std::string missing = (scratch.path() / "missing").string();
    const std::string file = (scratch.path() / "file").string();
    std::ofstream(file) << "not a directory";
    // (A loop, not GENERATE: each generated run would make a scratch directory of another name.)
    const std::pair<std::string, std::string> cases[] = {
        {missing, "cannot be used: No such file or directory"},
        {file, "is not a directory"},
        {file + "/below", "cannot be used: Not a directory"},
    };
    for (const auto &[dir, why] : cases) {
        CAPTURE(dir);
        const TmpdirEnv env(dir);
        const shmtools::Status status = resolveTempDir();
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == shmtools::ErrorCode::Usage);
        CHECK_THAT(status.error().message, Catch::Matchers::ContainsSubstring("TMPDIR '" + dir + "' " + why));
        CHECK_THAT(status.error().message, Catch::Matchers::ContainsSubstring("unset it for /tmp"));
        CHECK(tmpdirNow() == dir); // left as it was: nothing else is told a wrong directory
    }
}

namespace {

// The unsearchable-TMPDIR check, run in a child process: as root (who may search every
// directory) the child first becomes user nobody, so that the case runs, never skips. Exit
// status: 0 all held; 10 the scratch directory could not be made; 11 resolveTempDir accepted
// it; 12 another code than Usage; 13 the message does not name the cause.
int unsearchableTmpdirIsUsageError()
{
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 ||
                             ::setresuid(65534, 65534, 65534) != 0))
        return 10;
    char pattern[] = "/tmp/temp_dir_test.XXXXXX";
    if (!::mkdtemp(pattern))
        return 10;
    const std::string locked = std::string(pattern) + "/locked";
    if (::mkdir(locked.c_str(), 0600) != 0)
        return 10;
    ::setenv("TMPDIR", locked.c_str(), 1);
    const shmtools::Status status = resolveTempDir();
    ::rmdir(locked.c_str());
    ::rmdir(pattern);
    if (status.ok())
        return 11;
    if (status.error().code != shmtools::ErrorCode::Usage)
        return 12;
    return status.error().message.find("Permission denied") == std::string::npos ? 13 : 0;
}

} // namespace

TEST_CASE("resolveTempDir: a TMPDIR this user cannot search is a usage error", "[temp_dir]")
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0)
        ::_exit(unsearchableTmpdirIsUsageError());
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    INFO("exit status of the check (see unsearchableTmpdirIsUsageError): " << WEXITSTATUS(status));
    CHECK(WEXITSTATUS(status) == 0);
}
