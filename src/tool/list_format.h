// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/listing.h>

#include <string>
#include <vector>

/// --list: a title line and one line per segment, fixed columns (state, holder PID, generation,
/// capacity, shmid, semid or "-"), with `withTempDir` the TMPDIR, and the key last, escaped as
/// printable() does; "" for no segments.
std::string listAsText(const std::vector<shmtools::SegmentSummary> &segments, bool withTempDir = false);
/// --list --json: one compact JSON object per segment and line (JSON Lines); "" for none. Field
/// by field in the README.
std::string listAsJson(const std::vector<shmtools::SegmentSummary> &segments);
