// SPDX-License-Identifier: BSD-3-Clause
// shm-read --json and --info: the metadata of the latest version, checked against what the test
// itself knows (its own PIDs, its own checksum, its own derivation of the key files).

#include "support/cli_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cstdlib>

using namespace shmtest;

namespace {

std::string text(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toString().toStdString();
}

qint64 integer(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1String(name));
    return value.isDouble() ? value.toInteger(-1) : -1;
}

std::string dump(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Indented).toStdString();
}

/// Checks the version metadata of INFO against the load that produced it.
void checkVersion(const QJsonObject &info, const ProcessResult &load, const std::string &data, qint64 generation,
                  const std::string &source)
{
    INFO(dump(info));
    CHECK(integer(info, "length") == static_cast<qint64>(data.size()));
    CHECK(integer(info, "generation") == generation);
    CHECK(text(info, "checksum") == xxh3Text(data));
    CHECK(text(info, "source") == source);
    CHECK(integer(info, "loader_pid") == load.pid);

    // ISO 8601 with milliseconds, and about now (the load just happened).
    const QString loadedAt = info.value("loaded_at").toString();
    static const QRegularExpression iso(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$)");
    CHECK(iso.match(loadedAt).hasMatch());
    const QDateTime when = QDateTime::fromString(loadedAt, Qt::ISODateWithMs);
    REQUIRE(when.isValid());
    CHECK(std::abs(when.msecsTo(QDateTime::currentDateTimeUtc())) < 120'000);
}

} // namespace

TEST_CASE("shm-read --json describes the segment and each loaded version", "[read][json]")
{
    const std::string key = uniqueKey("json");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("64K"));

    const std::string first = randomBytes(12345);
    const std::string firstPath = scratch.write("first.bin", first);
    const ProcessResult load1 = loadFile(key, firstPath);
    CHECK_EXIT(load1, 0);
    const QJsonObject info1 = readJson(key);
    {
        INFO(dump(info1));
        CHECK(text(info1, "key") == key);
        CHECK(integer(info1, "capacity") == 65536);
        CHECK(integer(info1, "holder_pid") == holder.pid());
        CHECK(text(info1, "native_key") == shmKeyFile(key));
        CHECK(text(info1, "tmpdir") == QDir::tempPath().toStdString());
        CHECK(integer(info1, "shmid") == currentShmid(key));
        CHECK(integer(info1, "semid") == currentSemid(key));
        CHECK(integer(info1, "shmid") >= 0);
        CHECK(integer(info1, "semid") >= 0);
        CHECK(integer(info1, "format_version") >= 1);
        CHECK(integer(info1, "readers") == 0); // nobody is writing a version out right now
        CHECK(text(info1, "semaphore_key") == semKeyFile(key));
        CHECK(info1.value("huge_pages").isBool()); // true only where shmem huge pages are enabled
    }
    checkVersion(info1, load1, first, 1, firstPath); // the source is the file as given

    // The generation counts loads; each version has its own checksum, source and loader.
    const std::string second = randomBytes(40000);
    const ProcessResult load2 = loadStdin(key, second, {"--source", "my source"});
    CHECK_EXIT(load2, 0);
    const QJsonObject info2 = readJson(key);
    checkVersion(info2, load2, second, 2, "my source");
    CHECK(text(info2, "checksum") != text(info1, "checksum"));

    const ProcessResult load3 = loadStdin(key, first);
    CHECK_EXIT(load3, 0);
    const QJsonObject info3 = readJson(key);
    checkVersion(info3, load3, first, 3, "stdin");
    CHECK(text(info3, "checksum") == text(info1, "checksum")); // same bytes, same checksum
    CHECK(integer(info3, "holder_pid") == holder.pid());

    // The content read matches the latest version described.
    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out == first);

    // --json is one object and nothing else: reading it must not alter anything.
    CHECK(readJson(key) == info3);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a never-loaded segment reads empty with generation 0", "[read][json]")
{
    const std::string key = uniqueKey("neverloaded");
    Holder holder(key, HolderOptions::sized("64K"));

    const ProcessResult read = readContent(key);
    CHECK_EXIT(read, 0);
    CHECK(read.out.empty());
    CHECK(read.err.empty());

    const QJsonObject info = readJson(key);
    INFO(dump(info));
    CHECK(text(info, "key") == key);
    CHECK(integer(info, "generation") == 0);
    CHECK(integer(info, "length") == 0);
    CHECK(integer(info, "capacity") == 65536);
    CHECK(integer(info, "holder_pid") == holder.pid());

    const ProcessResult human = readContent(key, {"--info"});
    CHECK_EXIT(human, 0);
    CHECK(human.out.find(key) != std::string::npos);
    CHECK(human.err.empty());

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("shm-read --info shows the latest version in human terms", "[read][info]")
{
    const std::string key = uniqueKey("info");
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string data = randomBytes(777);
    const ProcessResult load = loadStdin(key, data, {"--source", "infosource"});
    CHECK_EXIT(load, 0);

    const ProcessResult info = readContent(key, {"--info"});
    CHECK_EXIT(info, 0);
    INFO(describe(info));
    CHECK(info.err.empty());
    CHECK(info.out.find(key) != std::string::npos);
    CHECK(info.out.find("infosource") != std::string::npos);
    CHECK(containsWord(info.out, std::to_string(holder.pid())));
    CHECK(containsWord(info.out, std::to_string(load.pid)));
    CHECK(info.out.find(xxh3Text(data)) != std::string::npos);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("shm-create -s takes bytes or powers of 1024", "[create][size]")
{
    // Each accepted form, and the capacity it must give.
    const auto [size, bytes] = GENERATE(table<const char *, qint64>({
        {"4096", 4096},
        {"64K", 64 * 1024},
        {"1M", 1024 * 1024},
        {"3M", 3 * 1024 * 1024},
    }));
    CAPTURE(size);
    const std::string key = uniqueKey("sizes");
    Holder holder(key, HolderOptions::sized(size));
    CHECK(integer(readJson(key), "capacity") == bytes);

    // The capacity is usable to the last byte, and not one byte further.
    const std::string data = randomBytes(static_cast<size_t>(bytes));
    CHECK_EXIT(loadStdin(key, data), 0);
    CHECK(readContent(key).out == data);
    CHECK_EXIT(loadStdin(key, data + "x"), 6);

    CHECK(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
