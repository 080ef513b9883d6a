// SPDX-License-Identifier: BSD-3-Clause
// shm-read -o FILE (never half-written), --follow --json and shm-create --watch --json (JSON Lines),
// --raw refusing a shm-tools segment in both directions, an adopted orphan's capacity named, and
// an interrupt that names the step it interrupted.
#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/proc_state_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <filesystem>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vector>

using namespace shmtest;

namespace {

std::vector<QJsonObject> jsonLines(const std::string &text)
{
    std::vector<QJsonObject> objects;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(line), &error);
        INFO(line);
        REQUIRE(error.error == QJsonParseError::NoError);
        objects.push_back(document.object());
    }
    return objects;
}

std::size_t entriesIn(const std::string &dir)
{
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

} // namespace

TEST_CASE("output: -o FILE gets the content, and on failure FILE is left as it was and no temporary remains", "[output]")
{
    const std::string key = uniqueKey("outputfile");
    ScratchDir scratch;
    const std::string file = scratch.write("out.bin", "old content");
    ::chmod(file.c_str(), 0640);
    {
        const ProcessResult missing = run(Tool::Read, {"-k", key, "-o", file});
        CHECK_EXIT(missing, 3);
        CHECK(readFile(file) == "old content");
        CHECK(entriesIn(scratch.path()) == 1);
    }
    Holder holder(key);
    const std::string content = randomBytes(50'000);
    REQUIRE_EXIT(loadStdin(key, content), 0);
    const ProcessResult written = run(Tool::Read, {"-k", key, "--output", file});
    CHECK_EXIT(written, 0);
    CHECK(written.out.empty());
    CHECK(readFile(file) == content);
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0640); // an existing file keeps its mode
    CHECK(entriesIn(scratch.path()) == 1);

    const ProcessResult noDirectory = run(Tool::Read, {"-k", key, "-o", scratch.path() + "/no/such/dir/f"});
    CHECK_EXIT(noDirectory, 1);
    CHECK(isOneLine(noDirectory.err));
    CHECK_THAT(noDirectory.err, Catch::Matchers::ContainsSubstring(scratch.path() + "/no/such/dir/f: cannot create"));
    CHECK(holder.stop().gone);
}

// -o used to replace a device node (-o /dev/null as root), a FIFO and a
// symlink with a regular file, rc 0. A name that is not a regular file is refused and left as it was.
TEST_CASE("output: -o refuses to replace what is not a regular file (device, FIFO), and follows a symlink",
          "[output]")
{
    const std::string key = uniqueKey("outputspecial");
    ScratchDir scratch;
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "content"), 0);
    const std::string fifo = scratch.path() + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string target = scratch.write("target", "kept");
    const std::string link = scratch.path() + "/link";
    REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
    const std::string device = scratch.path() + "/null";
    const bool haveDevice = ::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0; // root only
    std::vector<std::string> names{fifo};
    if (haveDevice)
        names.push_back(device);
    for (const std::string &name : names) {
        INFO(name);
        struct stat before {};
        REQUIRE(::lstat(name.c_str(), &before) == 0);
        const ProcessResult refused = run(Tool::Read, {"-k", key, "-o", name});
        CHECK_EXIT(refused, 2);
        CHECK(isOneLine(refused.err));
        CHECK_THAT(refused.err, Catch::Matchers::ContainsSubstring("which -o does not replace"));
        struct stat after {};
        REQUIRE(::lstat(name.c_str(), &after) == 0);
        CHECK(after.st_ino == before.st_ino);
        CHECK((after.st_mode & S_IFMT) == (before.st_mode & S_IFMT));
    }
    CHECK(readFile(target) == "kept");
    // A symbolic link to a regular file is followed, as by sort -o: the target is replaced, the
    // link stays (the other kinds of link: output/output-file-follows-links.sh).
    const ProcessResult followed = run(Tool::Read, {"-k", key, "-o", link});
    CHECK_EXIT(followed, 0);
    struct stat linkAfter {};
    REQUIRE(::lstat(link.c_str(), &linkAfter) == 0);
    CHECK(S_ISLNK(linkAfter.st_mode));
    CHECK(readFile(target) == "content");
    CHECK(entriesIn(scratch.path()) == names.size() + 2);
    CHECK(holder.stop().gone);
}

TEST_CASE("shm-read --follow --json prints one metadata object per version (JSON Lines)", "[follow][json]")
{
    const std::string key = uniqueKey("followjson");
    Holder holder(key);
    Child follower(Tool::Read, {"-k", key, "--follow", "--json", "-t", "30"});
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"futex"}));
    REQUIRE_EXIT(loadStdin(key, "first"), 0);
    REQUIRE(follower.waitFor(1, "\n", 30));
    REQUIRE_EXIT(loadStdin(key, "second!"), 0);
    REQUIRE(waitUntil([&] { return follower.running() && std::count(follower.out().begin(), follower.out().end(), '\n') >= 2; }, 30));
    REQUIRE(follower.signal(SIGTERM));
    const ProcessResult result = follower.wait(30);
    CHECK_EXIT(result, 130);
    const auto objects = jsonLines(result.out);
    REQUIRE(objects.size() == 2);
    CHECK(objects[0].value("generation").toInteger() == 1);
    CHECK(objects[0].value("length").toInteger() == 5);
    CHECK(objects[1].value("generation").toInteger() == 2);
    CHECK(objects[1].value("checksum").toString().toStdString() == xxh3Text("second!"));
    CHECK(objects[1].value("key").toString().toStdString() == key);
    CHECK(holder.stop().gone);
}

TEST_CASE("shm-create --watch --json prints ready, version and stopped events (JSON Lines)", "[watch][json]")
{
    const std::string key = uniqueKey("watchjson");
    KeyGuard guard(key);
    Child holder(Tool::Create, {"-k", key, "-s", "64K", "--watch", "--json"});
    REQUIRE(holder.waitFor(1, "\n", 30));
    REQUIRE_EXIT(loadStdin(key, "watched"), 0);
    REQUIRE(holder.waitFor(1, "\"version\"", 30));
    REQUIRE(holder.signal(SIGTERM));
    const ProcessResult result = holder.wait(30);
    CHECK_EXIT(result, 0);
    const auto objects = jsonLines(result.out);
    REQUIRE(objects.size() == 3);
    CHECK(objects[0].value("event").toString() == "ready");
    CHECK(objects[1].value("event").toString() == "version");
    CHECK(objects[1].value("generation").toInteger() == 1);
    CHECK(objects[1].value("length").toInteger() == 7);
    CHECK(objects[1].value("checksum").toString().toStdString() == xxh3Text("watched"));
    CHECK(objects[2].value("event").toString() == "stopped");
    for (const QJsonObject &object : objects)
        CHECK(object.value("key").toString().toStdString() == key);
    CHECK(!leftovers(key));
}

TEST_CASE("raw: --raw refuses a shm-tools segment in both directions with exit 8", "[raw]")
{
    const std::string key = uniqueKey("rawsymmetric");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "protected"), 0);
    const ProcessResult read = run(Tool::Read, {"-k", key, "--raw"});
    CHECK_EXIT(read, 8);
    CHECK(read.out.empty());
    CHECK_THAT(read.err, Catch::Matchers::ContainsSubstring("shm-tools segment") &&
                             Catch::Matchers::ContainsSubstring("read it without --raw"));
    RunOptions input;
    input.stdinData = "x";
    const ProcessResult load = run(Tool::Load, {"-k", key, "--raw", "-"}, input);
    CHECK_EXIT(load, 8);
    CHECK_THAT(load.err, Catch::Matchers::ContainsSubstring("shm-tools segment") &&
                             Catch::Matchers::ContainsSubstring("load it without --raw"));
    CHECK(readContent(key).out == "protected");
    CHECK(holder.stop().gone);
}

TEST_CASE("adopting an orphan with another -s says so, naming both sizes", "[size][create]")
{
    const std::string key = uniqueKey("adoptsize");
    KeyGuard guard(key);
    Holder doomed(key, HolderOptions::sized("64K"));
    rememberIpc(key);
    REQUIRE(doomed.stop(SIGKILL).gone);
    HolderOptions bigger = HolderOptions::sized("1M");
    Holder adopter(key, bigger);
    const std::string &err = adopter.startResult().err;
    CHECK_THAT(err, Catch::Matchers::ContainsSubstring("keeps its capacity of 64.0 KiB, not the 1.0 MiB asked for"));
    CHECK(adopter.stop().gone);
}

TEST_CASE("an interrupt while --exec runs says so, not that it waited for the lock", "[signals][follow]")
{
    const std::string key = uniqueKey("execstep");
    Holder holder(key);
    ScratchDir dir;
    const std::string marker = dir.path() + "/started";
    Child follower(Tool::Read, {"-k", key, "--follow", "--exec", "echo $$ > " + marker + "; exec sleep 600"});
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"futex"}));
    REQUIRE_EXIT(loadStdin(key, "one"), 0);
    REQUIRE(waitUntil([&] { return ::access(marker.c_str(), R_OK) == 0 && !readFile(marker).empty(); }, 30));
    REQUIRE(waitUntilSleepingIn(follower.pid(), {"wait"}));
    REQUIRE(follower.signal(SIGINT));
    const ProcessResult result = follower.wait(30);
    CHECK_EXIT(result, 130);
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("interrupted while --exec") &&
                               !Catch::Matchers::ContainsSubstring("waiting for the lock"));
    CHECK(holder.stop().gone);
}
