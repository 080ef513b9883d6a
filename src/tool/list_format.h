// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/listing.h>

#include <string>
#include <vector>

/// --list: a title line and one line per segment, fixed columns (state, holder PID, generation,
/// capacity, shmid, semid or "-"), with `thisTempDir` given (--all) the TMPDIR, followed by
/// "(not reachable here)" for a segment made under that same path whose key file is not this
/// directory's, and the key last, escaped as printable() does; then one line per segment that
/// could not be inspected (state "unknown", "-" for what is not known, and in place of the key
/// why, with its key file if one leads to it); "" for no segments.
std::string listAsText(const std::vector<shmtools::SegmentSummary> &segments,
                       const std::vector<shmtools::UninspectedSegment> &uninspected,
                       const std::string *thisTempDir = nullptr);
/// --list --json: one compact JSON object per segment and line (JSON Lines), then one per
/// segment that could not be inspected (state "unknown", null for what is not known, and a
/// "problem"); "" for none. Field by field in the guide; `under_this_tmpdir` is
/// SegmentSummary::underThisTempDir.
std::string listAsJson(const std::vector<shmtools::SegmentSummary> &segments,
                       const std::vector<shmtools::UninspectedSegment> &uninspected);
