// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// shm-read on one segment: its content or metadata, once (after --wait or --since) or for every
// new version (--follow), or a plain Qt segment's bytes (--raw).

#include "read_request.h"

/// Shows the segment of `request.common.key` as `request.mode` asks. The exit status.
int showSegment(const ReadRequest &request);
