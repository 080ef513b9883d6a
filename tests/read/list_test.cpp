// SPDX-License-Identifier: BSD-3-Clause
// shm-read --list [--json]: this user's segments under this TMPDIR, alive or orphaned, each with
// its key, capacity, generation and holder PID. Other tests run in parallel under the same
// TMPDIR, so each test looks only for its own keys; the empty list runs under a TMPDIR of its own.

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>

using namespace shmtest;

namespace {

// The --list line (without its end) whose last column is KEY; empty if there is none.
std::string lineFor(const std::string &listing, const std::string &key)
{
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);)
        if (line.size() > key.size() && line.compare(line.size() - key.size(), key.size(), key) == 0 &&
            line[line.size() - key.size() - 1] == ' ')
            return line;
    return {};
}

// The whitespace-separated columns of a --list line.
std::vector<std::string> columns(const std::string &line)
{
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

// `shm-read --list --json` parsed: one object per line, by key. Fails the test on anything else.
std::map<std::string, QJsonObject> listJson(const RunOptions &options = {})
{
    const ProcessResult result = run(Tool::Read, {"--list", "--json"}, options);
    REQUIRE_EXIT(result, 0);
    std::map<std::string, QJsonObject> byKey;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        QJsonParseError error;
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray(line.data(), static_cast<qsizetype>(line.size())), &error);
        INFO(line);
        REQUIRE(error.error == QJsonParseError::NoError);
        REQUIRE(document.isObject());
        byKey[document.object().value("key").toString().toStdString()] = document.object();
    }
    return byKey;
}

} // namespace

TEST_CASE("list: a live holder is listed as alive with its PID, capacity and generation", "[list]")
{
    const std::string key = uniqueKey("listalive");
    Holder holder(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "one"), 0);
    REQUIRE_EXIT(loadStdin(key, "two"), 0);

    const ProcessResult result = run(Tool::Read, {"--list"});
    REQUIRE_EXIT(result, 0);
    CHECK(result.out.rfind("STATE", 0) == 0);
    const std::vector<std::string> fields = columns(lineFor(result.out, key));
    INFO(result.out);
    REQUIRE(fields.size() == 8); // state, PID, generation, capacity as two words, shmid, semid, key
    CHECK(fields[0] == "alive");
    CHECK(fields[1] == std::to_string(holder.pid()));
    CHECK(fields[2] == "2");
    CHECK(fields[3] + " " + fields[4] == "64.0 KiB");
    CHECK(fields[5] == std::to_string(currentShmid(key)));
    CHECK(fields[6] == std::to_string(currentSemid(key)));
    CHECK(fields[7] == key);
}

TEST_CASE("list: the segment of a SIGKILLed holder is listed as an orphan", "[list]")
{
    const std::string key = uniqueKey("listorphan");
    KeyGuard guard(key);
    Holder doomed(key, HolderOptions::sized("128K"));
    const pid_t pid = doomed.pid();
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    rememberIpc(key);
    REQUIRE(doomed.stop(SIGKILL).gone);

    const ProcessResult result = run(Tool::Read, {"--list"});
    REQUIRE_EXIT(result, 0);
    const std::vector<std::string> fields = columns(lineFor(result.out, key));
    INFO(result.out);
    REQUIRE(fields.size() == 8);
    CHECK(fields[0] == "orphan");
    CHECK(fields[1] == std::to_string(pid));
    CHECK(fields[2] == "1");

    const auto listed = listJson();
    REQUIRE(listed.count(key) == 1);
    CHECK(listed.at(key).value("state").toString() == "orphan");
    CHECK(listed.at(key).value("holder_pid").toInteger() == pid);
}

TEST_CASE("list: two keys are listed, each with its own holder, and --json parses", "[list][json]")
{
    const std::string first = uniqueKey("listfirst"), second = uniqueKey("listsecond");
    Holder one(first, HolderOptions::sized("64K"));
    Holder two(second, HolderOptions::sized("1M"));
    REQUIRE_EXIT(loadStdin(second, "hello"), 0);

    const ProcessResult text = run(Tool::Read, {"--list"});
    REQUIRE_EXIT(text, 0);
    CHECK_FALSE(lineFor(text.out, first).empty());
    CHECK_FALSE(lineFor(text.out, second).empty());

    const auto listed = listJson();
    REQUIRE(listed.count(first) == 1);
    REQUIRE(listed.count(second) == 1);
    const QJsonObject &a = listed.at(first);
    const QJsonObject &b = listed.at(second);
    CHECK(a.value("state").toString() == "alive");
    CHECK(a.value("holder_pid").toInteger() == one.pid());
    CHECK(a.value("capacity").toInteger() == 64 * 1024);
    CHECK(a.value("generation").toInteger() == 0);
    CHECK(a.value("key_complete").toBool());
    CHECK(b.value("holder_pid").toInteger() == two.pid());
    CHECK(b.value("capacity").toInteger() == 1024 * 1024);
    CHECK(b.value("generation").toInteger() == 1);
    CHECK(b.value("length").toInteger() == 5);
    CHECK(b.value("tmpdir").toString() == readJson(second).value("tmpdir").toString());
}

TEST_CASE("list: under a TMPDIR without segments the list is empty", "[list]")
{
    ScratchDir empty;
    RunOptions options;
    options.env = {{"TMPDIR", empty.path()}};
    for (const std::vector<std::string> &args : {std::vector<std::string>{"--list"}, {"--list", "--json"}}) {
        const ProcessResult result = run(Tool::Read, args, options);
        CHECK_EXIT(result, 0);
        CHECK(result.out.empty());
    }
}

TEST_CASE("list: a segment under another TMPDIR is not listed, only counted on stderr", "[list][tmpdir]")
{
    ScratchDir elsewhere;
    const std::string key = uniqueKey("listelsewhere");
    HolderOptions options = HolderOptions::sized("64K");
    options.run.env = {{"TMPDIR", elsewhere.path()}};
    Holder holder(key, options);

    const ProcessResult result = run(Tool::Read, {"--list"});
    REQUIRE_EXIT(result, 0);
    CHECK(lineFor(result.out, key).empty());
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("under other TMPDIRs"));
    // The tools name TMPDIR as they resolved it.
    const std::string resolved = QDir(QString::fromStdString(elsewhere.path())).canonicalPath().toStdString();
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring(resolved));

    RunOptions there;
    there.env = {{"TMPDIR", elsewhere.path()}};
    const ProcessResult listedThere = run(Tool::Read, {"--list", "-q"}, there);
    REQUIRE_EXIT(listedThere, 0);
    CHECK_FALSE(lineFor(listedThere.out, key).empty());
    CHECK(holder.stop().gone);
}

TEST_CASE("list: --list refuses the options that read one segment", "[list][options]")
{
    for (const char *other : {"--info", "--wait", "--follow", "--raw"}) {
        const ProcessResult result = run(Tool::Read, {"--list", other});
        INFO(other);
        CHECK_EXIT(result, 2);
    }
}

TEST_CASE("list: -k KEY lists only that key's segment, in text and JSON, and $SHM_KEY alone does not narrow", "[list][json]")
{
    const std::string first = uniqueKey("listonly"), second = uniqueKey("listother");
    Holder one(first, HolderOptions::sized("64K"));
    Holder two(second, HolderOptions::sized("64K"));

    const ProcessResult text = run(Tool::Read, {"--list", "-k", first});
    REQUIRE_EXIT(text, 0);
    INFO(text.out);
    CHECK_FALSE(lineFor(text.out, first).empty());
    CHECK(lineFor(text.out, second).empty());
    CHECK(std::count(text.out.begin(), text.out.end(), '\n') == 2); // the title and the one segment

    const ProcessResult json = run(Tool::Read, {"--list", "--json", "--key=" + first});
    REQUIRE_EXIT(json, 0);
    INFO(json.out);
    CHECK(std::count(json.out.begin(), json.out.end(), '\n') == 1);
    CHECK_THAT(json.out, Catch::Matchers::ContainsSubstring("\"key\":\"" + first + "\""));

    // A key with no segment is most often a typo: exit 3, as shm-read -k says it (read.list-key-typo).
    const ProcessResult none = run(Tool::Read, {"--list", "-k", first + "-none"});
    CHECK_EXIT(none, 3);
    CHECK(none.out.empty());
    CHECK_THAT(none.err, Catch::Matchers::ContainsSubstring(first + "-none: no segment under this key"));

    // $SHM_KEY is the key to read, not a filter: --list still lists every key.
    RunOptions fromEnvironment;
    fromEnvironment.env = {{"SHM_KEY", first}};
    const ProcessResult all = run(Tool::Read, {"--list"}, fromEnvironment);
    REQUIRE_EXIT(all, 0);
    CHECK_FALSE(lineFor(all.out, first).empty());
    CHECK_FALSE(lineFor(all.out, second).empty());
    CHECK(one.stop().gone);
    CHECK(two.stop().gone);
}
