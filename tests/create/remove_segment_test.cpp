// SPDX-License-Identifier: BSD-3-Clause
// shm-create --remove: a live holder is stopped (and removes everything itself), an orphan is
// removed with its semaphore and key files, nothing there is exit 3; --list shows the shmid and
// semid that ipcs shows, and --list --all the segments under every TMPDIR.
#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <sstream>
#include <sys/stat.h>

using namespace shmtest;

namespace {

bool exists(const std::string &path)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0;
}

// The --list --json object of KEY, if listed.
std::optional<QJsonObject> listed(const std::string &key, const std::vector<std::string> &extra = {})
{
    std::vector<std::string> args{"--list", "--json", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult result = run(Tool::Read, args);
    REQUIRE_EXIT(result, 0);
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(line)).object();
        if (object.value("key").toString().toStdString() == key)
            return object;
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("remove: --remove stops a live holder, which removes the segment, semaphore and key files", "[remove]")
{
    const std::string key = uniqueKey("removelive");
    Holder holder(key);
    REQUIRE_EXIT(loadStdin(key, "content"), 0);
    const int shmid = currentShmid(key);
    REQUIRE(shmid >= 0);
    const ProcessResult removed = run(Tool::Create, {"--remove", "-k", key});
    CHECK_EXIT(removed, 0);
    CHECK(isOneLine(removed.err));
    CHECK_THAT(removed.err, Catch::Matchers::ContainsSubstring("stopped its holder (PID " + std::to_string(holder.pid())) &&
                                Catch::Matchers::ContainsSubstring("segment " + std::to_string(shmid)));
    // The holder has exited by the time --remove returns, and left nothing.
    CHECK_FALSE(processAlive(holder.pid()));
    CHECK(waitGone(holder.pid(), 10).gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
    CHECK_FALSE(exists(shmKeyFile(key)));
    CHECK_FALSE(exists(semKeyFile(key)));
}

TEST_CASE("remove: --remove removes an orphan with its semaphore and key files", "[remove]")
{
    const std::string key = uniqueKey("removeorphan");
    KeyGuard guard(key);
    Holder doomed(key);
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    const int shmid = currentShmid(key);
    rememberIpc(key);
    REQUIRE(doomed.stop(SIGKILL).gone);
    REQUIRE(currentShmid(key) == shmid); // the orphan is there

    const ProcessResult removed = run(Tool::Create, {"--remove", "-k", key});
    CHECK_EXIT(removed, 0);
    CHECK_THAT(removed.err, Catch::Matchers::ContainsSubstring("removed the orphaned segment " + std::to_string(shmid)));
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
    CHECK_FALSE(listed(key).has_value());
}

TEST_CASE("remove: --remove with nothing under the key is exit 3 and creates nothing", "[remove]")
{
    const std::string key = uniqueKey("removenothing");
    const ProcessResult removed = run(Tool::Create, {"--remove", "-k", key});
    CHECK_EXIT(removed, 3);
    CHECK(isOneLine(removed.err));
    CHECK_THAT(removed.err, Catch::Matchers::ContainsSubstring(key + ": nothing to remove"));
    CHECK(!leftovers(key));
}

TEST_CASE("remove: --remove takes several keys, removes each, and exits with the first failure", "[remove]")
{
    const std::string first = uniqueKey("removeone"), second = uniqueKey("removetwo"), absent = uniqueKey("removeabsent");
    Holder one(first), two(second);
    const ProcessResult removed = run(Tool::Create, {"--remove", first, absent, second});
    CHECK_EXIT(removed, 3);
    CHECK(removed.errLines() == 3);
    CHECK(!leftovers(first));
    CHECK(!leftovers(second));
}

TEST_CASE("remove: --remove stops our own --raw holder (it is ours) and leaves nothing", "[remove][raw]")
{
    const std::string key = uniqueKey("removeraw");
    Holder holder(key, [] {
        HolderOptions options = HolderOptions::sized("4K");
        options.extraArgs = {"--raw"};
        return options;
    }());
    const ProcessResult removed = run(Tool::Create, {"--remove", "-k", key});
    CHECK_EXIT(removed, 0);
    CHECK_THAT(removed.err, Catch::Matchers::ContainsSubstring("stopped its holder"));
    CHECK(holder.stop().gone);
    CHECK(!leftovers(key));
}

TEST_CASE("list: --list shows the shmid and semid ipcs shows, and --list --all every TMPDIR's segments", "[list][remove]")
{
    ScratchDir elsewhere;
    const std::string here = uniqueKey("listids"), there = uniqueKey("listall");
    Holder holder(here);
    HolderOptions options;
    options.run.env = {{"TMPDIR", elsewhere.path()}};
    Holder other(there, options);

    const auto mine = listed(here);
    REQUIRE(mine.has_value());
    CHECK(mine->value("shmid").toInt() == currentShmid(here));
    CHECK(mine->value("semid").toInt() == currentSemid(here));
    CHECK_FALSE(listed(there).has_value());
    const auto all = listed(there, {"--all"});
    REQUIRE(all.has_value());
    CHECK(all->value("semid").isNull()); // its key files are under the other TMPDIR
    const ProcessResult text = run(Tool::Read, {"--list", "--all"});
    CHECK_EXIT(text, 0);
    CHECK_THAT(text.out, Catch::Matchers::ContainsSubstring("TMPDIR") && Catch::Matchers::ContainsSubstring(there));
    CHECK(holder.stop().gone);
    CHECK(other.stop().gone);
}
