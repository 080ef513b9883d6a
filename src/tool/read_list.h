// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// shm-read --list: the segments, as text or JSON.

#include "read_request.h"

/// Lists the segments under this TMPDIR (with --all, under every one; with -k, only the key's)
/// on stdout. The exit status.
int listSegmentsMode(const ReadRequest &request);
