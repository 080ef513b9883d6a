// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/listing.h>

#include <string>
#include <vector>

/// --list: a title line and one line per segment, fixed columns (state, holder PID, generation,
/// capacity, shmid, semid or "-"), with `thisTempDir` given (--all) the TMPDIR, followed by
/// "(not reachable here)" for a segment made under that same path whose key file is not this
/// directory's, and the key last, escaped as printable() does; "" for no segments.
std::string listAsText(const std::vector<shmtools::SegmentSummary> &segments,
                       const std::string *thisTempDir = nullptr);
/// --list --json: one compact JSON object per segment and line (JSON Lines); "" for none. Field
/// by field in the README; `under_this_tmpdir` is SegmentSummary::underThisTempDir.
std::string listAsJson(const std::vector<shmtools::SegmentSummary> &segments);
