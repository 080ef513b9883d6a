// SPDX-License-Identifier: BSD-3-Clause
#include "info_format.h"

#include "printable.h"
#include "shell_quote.h"
#include "base/checksum_text.h"
#include "base/size_text.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <iomanip>
#include <sstream>

using shmtools::SegmentInfo;
using shmtools::VersionInfo;
using shmtools::detail::formatChecksum;
using shmtools::detail::formatSize;

std::string isoTime(std::int64_t msSinceEpoch)
{
    if (msSinceEpoch == 0)
        return {};
    // Local time with its UTC offset, so the value is unambiguous and still reads naturally.
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(msSinceEpoch);
    return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODateWithMs).toStdString();
}

std::string infoAsJson(const SegmentInfo &info)
{
    const VersionInfo &v = info.latest;
    const auto str = [](const std::string &s) { return QString::fromStdString(s); };
    QJsonObject object{
        {"key", str(info.key)},
        {"capacity", qint64(info.capacity)},
        {"length", qint64(v.length)},
        {"generation", qint64(v.generation)},
        {"checksum", v.generation ? str(formatChecksum(v.checksum)) : QJsonValue()},
        {"source", v.generation ? str(v.source) : QJsonValue()},
        {"loaded_at", v.generation ? str(isoTime(v.loadedAtMs)) : QJsonValue()},
        {"loader_pid", v.generation ? QJsonValue(qint64(v.loaderPid)) : QJsonValue()},
        {"holder_pid", qint64(info.holderPid)},
        {"created_at", str(isoTime(info.createdAtMs))},
        {"readers", info.readers},
        {"format_version", int(info.formatVersion)},
        {"native_key", str(info.nativeKey)},
        {"semaphore_key", str(info.semaphoreKey)},
        {"tmpdir", str(info.tempDir)},
        {"shmid", info.shmid},
        {"semid", info.semid},
        {"segment_size", qint64(info.segmentSize)},
        {"attachments", qint64(info.attachments)},
        {"huge_pages", info.hugePages},
    };
    return withLineSeparatorsEscaped(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString()) + "\n";
}

std::string infoAsText(const SegmentInfo &info)
{
    const VersionInfo &v = info.latest;
    std::ostringstream out;
    const auto line = [&](const char *name, const std::string &value) {
        out << std::left << std::setw(12) << (std::string(name) + ":") << printable(value) << "\n";
    };
    const auto orNone = [&](const std::string &value) { return v.generation ? value : std::string("-"); };
    line("key", info.key);
    line("capacity", formatSize(info.capacity));
    line("length",
         v.generation ? formatSize(v.length) + " (" + std::to_string(v.length) + " bytes)" : "0 (never loaded)");
    line("generation", std::to_string(v.generation));
    line("source", orNone(v.source));
    line("loaded at", orNone(isoTime(v.loadedAtMs)));
    line("loader PID", orNone(std::to_string(v.loaderPid)));
    line("holder PID", std::to_string(info.holderPid));
    line("checksum", orNone(formatChecksum(v.checksum)));
    line("readers", std::to_string(info.readers));
    line("created at", isoTime(info.createdAtMs));
    line("shmid", std::to_string(info.shmid) + " (" + formatSize(info.segmentSize) + ", " +
                      std::to_string(info.attachments) + " attached)");
    line("semid", std::to_string(info.semid));
    line("huge pages", info.hugePages ? "yes" : "no");
    line("key file", info.nativeKey);
    line("TMPDIR", info.tempDir);
    return out.str();
}

std::string orphanAsText(const shmtools::SegmentSummary &orphan)
{
    std::ostringstream out;
    const auto line = [&](const char *name, const std::string &value) {
        out << std::left << std::setw(12) << (std::string(name) + ":") << printable(value) << "\n";
    };
    line("key", orphan.key);
    line("state", "orphan: its holder (PID " + std::to_string(orphan.holderPid) +
                      ") is not running; the segment and its content remain");
    line("to keep it", withKey("shm-create", orphan.key) + " (adopts it, content and all)");
    line("to remove", withKey("shm-create --remove", orphan.key));
    line("capacity", formatSize(orphan.capacity));
    line("length", orphan.generation ? formatSize(orphan.length) + " (" + std::to_string(orphan.length) + " bytes)"
                                     : "0 (never loaded)");
    line("generation", std::to_string(orphan.generation));
    line("shmid", std::to_string(orphan.shmid) + " (" + formatSize(orphan.segmentSize) + ", " +
                      std::to_string(orphan.attachments) + " attached)");
    line("semid", std::to_string(orphan.semid));
    line("key file", orphan.nativeKey);
    line("TMPDIR", orphan.tempDir);
    return out.str();
}

std::string eventAsJson(const std::string &key, const std::string &event, const VersionInfo *version,
                        const std::string &message)
{
    const auto str = [](const std::string &s) { return QString::fromStdString(s); };
    QJsonObject object{
        {"event", str(event)},
        {"key", str(key)},
        {"time", str(isoTime(QDateTime::currentMSecsSinceEpoch()))},
    };
    if (version) {
        object.insert("generation", qint64(version->generation));
        object.insert("length", qint64(version->length));
        object.insert("checksum", str(formatChecksum(version->checksum)));
        object.insert("source", str(version->source));
        object.insert("loaded_at", str(isoTime(version->loadedAtMs)));
        object.insert("loader_pid", qint64(version->loaderPid));
    }
    if (!message.empty())
        object.insert("message", str(message));
    return withLineSeparatorsEscaped(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString()) + "\n";
}
