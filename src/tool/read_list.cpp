// SPDX-License-Identifier: BSD-3-Clause
#include "read_list.h"

#include "list_format.h"
#include "remedy_text.h"
#include "report.h"
#include "shell_quote.h"
#include "standard_streams.h"

#include <shmtools/shmtools.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

using namespace shmtools;

namespace {

// Whether `segment` is the one of `key`; a shortened key (a very long one) is matched by its start.
bool hasKey(const SegmentSummary &segment, const std::string &key)
{
    return segment.keyComplete ? segment.key == key : key.rfind(segment.key, 0) == 0;
}

std::string segments(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " more segment" : " more segments");
}

// --list: the segments under this TMPDIR (with -k KEY typed, only those of KEY) (with --all: under every TMPDIR) on stdout; without
// --all, how many live under other TMPDIRs in a status line, so that none goes unnoticed. One
// recorded under this TMPDIR's path whose key file is not here (its device and inode) is not
// called another TMPDIR: the same path may be another directory in another mount namespace (a
// service's PrivateTmp, a container's /tmp), or this one with its key files removed, and no
// process here can reach it by key.

} // namespace

int listSegmentsMode(const ReadRequest &request)
{
    auto listing = listSegmentsWithUninspected();
    if (!listing)
        return reportError(kReadTool, listing.error());
    const char *tempDirVariable = std::getenv("TMPDIR"); // put back by parseArguments, resolved
    const std::string tempDir = tempDirVariable ? tempDirVariable : "/tmp";
    std::vector<SegmentSummary> shown;
    std::set<std::string> otherTempDirs;
    std::size_t elsewhere = 0, unreachable = 0;
    for (SegmentSummary &segment : listing->segments) {
        if (request.common.keyTyped && !hasKey(segment, request.common.key))
            continue;
        if (segment.underThisTempDir || request.all) {
            shown.push_back(std::move(segment));
        } else if (segment.tempDir == tempDir) {
            ++unreachable;
        } else {
            ++elsewhere;
            otherTempDirs.insert(segment.tempDir);
        }
    }
    // A segment that could not be looked into is shown, marked, rather than hidden: it may be
    // one of this TMPDIR, or KEY's. With -k KEY, only if KEY's key file leads to it.
    std::vector<UninspectedSegment> uninspected;
    for (UninspectedSegment &segment : listing->uninspected) {
        if (request.common.keyTyped) {
            const auto keyFile = nativeKeyOf(request.common.key);
            if (!keyFile || segment.nativeKey != *keyFile)
                continue;
        }
        uninspected.push_back(std::move(segment));
    }
    // -k KEY that matches nothing is most often a typo: said, and hinted at, as shm-read -k says it.
    if (request.common.keyTyped && shown.empty() && uninspected.empty()) {
        const std::string &key = request.common.key;
        return reportError(kReadTool, Error{ErrorCode::NoSegment,
                                        key + ": no segment under this key" +
                                            (request.all ? std::string() : " (with TMPDIR " + tempDir + ")") + "; " +
                                            (elsewhere + unreachable > 0
                                                 ? "'" + withKey("shm-read --list --all", key) + "' lists it " +
                                                       (elsewhere > 0 ? "under other TMPDIRs"
                                                                      : "under this TMPDIR's path, where its key file "
                                                                        "is not reachable from here")
                                                 : otherKeyHint(key)),
                                        key});
    }
    const std::string text = request.json ? listAsJson(shown, uninspected)
                                          : listAsText(shown, uninspected, request.all ? &tempDir : nullptr);
    if (auto written = writeStdout(text); !written)
        return reportError(kReadTool, written.error());
    if (elsewhere > 0) {
        std::string dirs;
        for (const std::string &dir : otherTempDirs)
            dirs += (dirs.empty() ? "" : ", ") + dir;
        reportStatus(kReadTool, request.common.quiet,
                     segments(elsewhere) + " of yours under other TMPDIRs (" + dirs +
                         "); 'shm-read --list --all' lists them");
    }
    if (unreachable > 0)
        reportStatus(kReadTool, request.common.quiet,
                     segments(unreachable) + " of yours made under the path " + tempDir +
                         " whose key files are not reachable from here (another directory at that path in another "
                         "mount namespace, such as a service's PrivateTmp or a container's /tmp, or its key files "
                         "removed); 'shm-read --list --all' lists them");
    return 0;
}
