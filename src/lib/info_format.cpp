#include "info_format.h"

#include "checksum.h"
#include "size_text.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <iomanip>
#include <sstream>

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
        {"key", str(info.names.key)},
        {"capacity", qint64(info.capacity)},
        {"length", qint64(v.length)},
        {"generation", qint64(v.generation)},
        {"checksum", v.generation ? str(Checksum::format(v.checksum)) : QJsonValue()},
        {"source", v.generation ? str(v.source) : QJsonValue()},
        {"loaded_at", v.generation ? str(isoTime(v.loadedAtMs)) : QJsonValue()},
        {"loader_pid", v.generation ? QJsonValue(qint64(v.loaderPid)) : QJsonValue()},
        {"holder_pid", qint64(info.holderPid)},
        {"created_at", str(isoTime(info.createdAtMs))},
        {"readers", info.readers},
        {"format_version", int(info.formatVersion)},
        {"native_key", str(info.names.segmentKeyFile)},
        {"semaphore_key", str(info.names.semaphoreKeyFile)},
        {"tmpdir", str(info.names.tempDir)},
        {"shmid", info.status.shmid},
        {"semid", info.semid},
        {"segment_size", qint64(info.status.size)},
        {"attachments", qint64(info.status.attachments)},
        {"huge_pages", info.hugePages},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString() + "\n";
}

std::string infoAsText(const SegmentInfo &info)
{
    const VersionInfo &v = info.latest;
    std::ostringstream out;
    const auto line = [&](const char *name, const std::string &value) {
        out << std::left << std::setw(12) << (std::string(name) + ":") << value << "\n";
    };
    const auto orNone = [&](const std::string &value) { return v.generation ? value : std::string("-"); };
    line("key", info.names.key);
    line("capacity", formatSize(info.capacity));
    line("length",
         v.generation ? formatSize(v.length) + " (" + std::to_string(v.length) + " bytes)" : "0 (never loaded)");
    line("generation", std::to_string(v.generation));
    line("source", orNone(v.source));
    line("loaded at", orNone(isoTime(v.loadedAtMs)));
    line("loader PID", orNone(std::to_string(v.loaderPid)));
    line("holder PID", std::to_string(info.holderPid));
    line("checksum", orNone(Checksum::format(v.checksum)));
    line("readers", std::to_string(info.readers));
    line("created at", isoTime(info.createdAtMs));
    line("shmid", std::to_string(info.status.shmid) + " (" + formatSize(info.status.size) + ", " +
                      std::to_string(info.status.attachments) + " attached)");
    line("semid", std::to_string(info.semid));
    line("huge pages", info.hugePages ? "yes" : "no");
    line("key file", info.names.segmentKeyFile);
    line("TMPDIR", info.names.tempDir);
    return out.str();
}
