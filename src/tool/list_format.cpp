// SPDX-License-Identifier: BSD-3-Clause
#include "list_format.h"

#include "printable.h"
#include "base/size_text.h"

#include <shmtools/segment.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <algorithm>
#include <cstdio>

using shmtools::SegmentSummary;
using shmtools::UninspectedSegment;

namespace {

const char *stateOf(const SegmentSummary &segment)
{
    return segment.holderAlive ? "alive" : "orphan";
}

// The columns `text` takes on a terminal: one per character (printable() leaves only printable
// ones, each of width one in the scripts TMPDIRs are written in), not per UTF-8 byte.
std::size_t columnsOf(const std::string &text)
{
    std::size_t columns = 0;
    for (const unsigned char byte : text)
        columns += (byte & 0xC0) != 0x80;
    return columns;
}

std::string paddedTo(const std::string &text, std::size_t columns)
{
    return text + std::string(columns - std::min(columns, columnsOf(text)), ' ');
}

} // namespace

std::string listAsText(const std::vector<SegmentSummary> &segments, const std::vector<UninspectedSegment> &uninspected,
                       const std::string *thisTempDir)
{
    const bool withTempDir = thisTempDir != nullptr;
    if (segments.empty() && uninspected.empty())
        return {};
    // TMPDIR, when shown, is padded to its widest entry, so that the keys after it line up.
    std::vector<std::string> tempDirs;
    std::size_t tempDirColumns = columnsOf("TMPDIR");
    for (const SegmentSummary &segment : segments) {
        if (!withTempDir)
            break;
        // The same path is not the same directory: said where the key file shows it is not.
        const bool unreachable = !segment.underThisTempDir && segment.tempDir == *thisTempDir;
        tempDirs.push_back(printable(segment.tempDir) + (unreachable ? " (not reachable here)" : ""));
        tempDirColumns = std::max(tempDirColumns, columnsOf(tempDirs.back()));
    }
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "%-7s %8s %11s %10s %10s %10s  ", "STATE", "HOLDER", "GENERATION", "CAPACITY",
                  "SHMID", "SEMID");
    out += line;
    if (withTempDir)
        out += paddedTo("TMPDIR", tempDirColumns) + "  ";
    out += "KEY\n";
    for (std::size_t row = 0; row < segments.size(); ++row) {
        const SegmentSummary &segment = segments[row];
        const std::string semid = segment.semid >= 0 ? std::to_string(segment.semid) : "-";
        std::snprintf(line, sizeof line, "%-7s %8d %11llu %10s %10d %10s  ", stateOf(segment),
                      static_cast<int>(segment.holderPid), static_cast<unsigned long long>(segment.generation),
                      shmtools::detail::formatSize(segment.capacity).c_str(), segment.shmid, semid.c_str());
        out += line;
        if (withTempDir)
            out += paddedTo(tempDirs[row], tempDirColumns) + "  ";
        out += printable(segment.key);
        out += segment.keyComplete ? "\n" : " (shortened)\n";
    }
    for (const UninspectedSegment &segment : uninspected) {
        std::snprintf(line, sizeof line, "%-7s %8s %11s %10s %10d %10s  ", "unknown", "-", "-", "-", segment.shmid, "-");
        out += line;
        if (withTempDir)
            out += paddedTo("-", tempDirColumns) + "  ";
        const std::string keyFile = segment.nativeKey.substr(segment.nativeKey.find_last_of('/') + 1);
        out += "? (not inspected: " + printable(segment.problem) +
               (keyFile.empty() ? std::string() : "; its key file: " + printable(keyFile)) + ")\n";
    }
    return out;
}

std::string listAsJson(const std::vector<SegmentSummary> &segments, const std::vector<UninspectedSegment> &uninspected)
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
            {"under_this_tmpdir", segment.underThisTempDir},
            {"shmid", segment.shmid},
            {"semid", segment.semid >= 0 ? QJsonValue(segment.semid) : QJsonValue(QJsonValue::Null)},
            {"segment_size", qint64(segment.segmentSize)},
            {"attachments", qint64(segment.attachments)},
        };
        out += withLineSeparatorsEscaped(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString()) + "\n";
    }
    // The same fields, null where the header that tells them could not be read.
    const QJsonValue unknown(QJsonValue::Null);
    for (const UninspectedSegment &segment : uninspected) {
        const QJsonObject object{
            {"key", unknown},
            {"key_complete", unknown},
            {"state", "unknown"},
            {"holder_pid", unknown},
            {"capacity", unknown},
            {"generation", unknown},
            {"length", unknown},
            {"tmpdir", unknown},
            {"shmid", segment.shmid},
            {"semid", unknown},
            {"segment_size", qint64(segment.segmentSize)},
            {"attachments", qint64(segment.attachments)},
            {"native_key", segment.nativeKey.empty() ? unknown : QJsonValue(str(segment.nativeKey))},
            {"problem", str(segment.problem)},
        };
        out += withLineSeparatorsEscaped(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString()) + "\n";
    }
    return out;
}
