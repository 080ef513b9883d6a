// SPDX-License-Identifier: BSD-3-Clause
// What shm-load refuses, with which exit code and message, and that a refused load leaves the
// published content exactly as it was.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

using namespace shmtest;

namespace {

/// The published content and its generation are still OLD (generation 1).
void checkStillFirstVersion(const std::string &key, const std::string &old)
{
    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out == old);
    const QJsonObject info = readJson(key);
    CHECK(info.value("generation").toInteger(-1) == 1);
    CHECK(info.value("length").toInteger(-1) == static_cast<qint64>(old.size()));
}

} // namespace

TEST_CASE("content larger than the capacity is refused with exit 6 and the old content stays", "[load][errors]")
{
    const std::string key = uniqueKey("toolarge");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("4K"));
    const std::string old = randomBytes(4096);
    CHECK_EXIT(loadStdin(key, old), 0);

    // One byte over (a file's size is known up front; a pipe's only when it overflows), and far
    // over through a pipe, where the loader may stop reading early.
    ProcessResult refused;
    SECTION("one byte over, from a file")
    {
        refused = loadFile(key, scratch.write("big.bin", randomBytes(4097)));
    }
    SECTION("one byte over, from a pipe")
    {
        refused = loadStdin(key, randomBytes(4097));
    }
    SECTION("one byte over, from a redirected file")
    {
        RunOptions options;
        options.stdinFile = scratch.write("big.bin", randomBytes(4097));
        refused = run(Tool::Load, {"-k", key, "-"}, options);
    }
    SECTION("a megabyte over, from a pipe")
    {
        refused = loadStdin(key, randomBytes(1 << 20));
    }
    CHECK_EXIT(refused, 6);
    INFO(describe(refused));
    CHECK(refused.out.empty());
    CHECK(isOneLine(refused.err));
    CHECK(refused.err.rfind("shm-load: ", 0) == 0);
    CHECK(refused.err.find("does not fit") != std::string::npos);

    checkStillFirstVersion(key, old);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("an unreadable input is refused with exit 5 naming the file and the reason", "[load][errors]")
{
    const std::string key = uniqueKey("unreadable");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string old = randomBytes(3000);
    CHECK_EXIT(loadStdin(key, old), 0);

    std::string path, reason;
    SECTION("missing file")
    {
        path = scratch.path() + "/does-not-exist.bin";
        reason = "No such file or directory";
    }
    SECTION("a directory")
    {
        path = scratch.path();
        reason = "Is a directory";
    }
    const ProcessResult refused = loadFile(key, path);
    CHECK_EXIT(refused, 5);
    INFO(describe(refused));
    CHECK(refused.out.empty());
    CHECK(isOneLine(refused.err));
    CHECK(refused.err.rfind("shm-load: " + key + ": " + path + ": " + reason, 0) == 0);

    checkStillFirstVersion(key, old);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("without a holder shm-load and shm-read exit 3 and leave nothing behind", "[load][read][errors]")
{
    const KeyGuard guard(uniqueKey("noholder"));
    const std::string &key = guard.key();
    ScratchDir scratch;
    const std::string path = scratch.write("data.bin", randomBytes(100));

    ProcessResult result;
    SECTION("shm-read")
    {
        result = readContent(key);
    }
    SECTION("shm-read --json")
    {
        result = readContent(key, {"--json"});
    }
    SECTION("shm-read --info")
    {
        result = readContent(key, {"--info"});
    }
    SECTION("shm-load FILE")
    {
        result = loadFile(key, path);
    }
    SECTION("shm-load -")
    {
        result = loadStdin(key, "some data");
    }
    CHECK_EXIT(result, 3);
    INFO(describe(result));
    CHECK(result.out.empty());
    CHECK(isOneLine(result.err));
    CHECK(result.err.find(key) != std::string::npos);
    CHECK(result.err.find("no such segment") != std::string::npos);
    // Looking must not create: no key file, segment or semaphore may appear.
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("after its holder stopped, a key reads as no such segment", "[read][errors]")
{
    const std::string key = uniqueKey("stopped");
    Holder holder(key, HolderOptions::sized("64K"));
    CHECK_EXIT(loadStdin(key, "content"), 0);
    REQUIRE(holder.stop().gone);

    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 3);
    CHECK(read.out.empty());
    CHECK(read.err.find("no such segment") != std::string::npos);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
