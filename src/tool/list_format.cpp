// SPDX-License-Identifier: BSD-3-Clause
#include "list_format.h"

#include "printable.h"
#include "base/size_text.h"

#include <shmtools/segment.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <cstdio>

using shmtools::SegmentSummary;

namespace {

const char *stateOf(const SegmentSummary &segment)
{
    return segment.holderAlive ? "alive" : "orphan";
}

} // namespace

std::string listAsText(const std::vector<SegmentSummary> &segments, bool withTempDir)
{
    if (segments.empty())
        return {};
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "%-7s %8s %11s %10s %10s %10s  %s%s\n", "STATE", "HOLDER", "GENERATION",
                  "CAPACITY", "SHMID", "SEMID", withTempDir ? "TMPDIR  " : "", "KEY");
    out += line;
    for (const SegmentSummary &segment : segments) {
        const std::string semid = segment.semid >= 0 ? std::to_string(segment.semid) : "-";
        std::snprintf(line, sizeof line, "%-7s %8d %11llu %10s %10d %10s  ", stateOf(segment),
                      static_cast<int>(segment.holderPid), static_cast<unsigned long long>(segment.generation),
                      shmtools::detail::formatSize(segment.capacity).c_str(), segment.shmid, semid.c_str());
        out += line;
        if (withTempDir)
            out += printable(segment.tempDir) + "  ";
        out += printable(segment.key);
        out += segment.keyComplete ? "\n" : " (shortened)\n";
    }
    return out;
}

std::string listAsJson(const std::vector<SegmentSummary> &segments)
{
    std::string out;
    const auto str = [](const std::string &s) { return QString::fromStdString(s); };
    for (const SegmentSummary &segment : segments) {
        const QJsonObject object{
            {"key", str(segment.key)},
            {"key_complete", segment.keyComplete},
            {"state", stateOf(segment)},
            {"holder_pid", qint64(segment.holderPid)},
            {"capacity", qint64(segment.capacity)},
            {"generation", qint64(segment.generation)},
            {"length", qint64(segment.length)},
            {"tmpdir", str(segment.tempDir)},
            {"shmid", segment.shmid},
            {"semid", segment.semid >= 0 ? QJsonValue(segment.semid) : QJsonValue(QJsonValue::Null)},
            {"segment_size", qint64(segment.segmentSize)},
            {"attachments", qint64(segment.attachments)},
        };
        out += withLineSeparatorsEscaped(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString()) + "\n";
    }
    return out;
}
