// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// shm-create --remove: each key's segment removed whole, one line each.

#include "create_request.h"

/// Removes the segment of every key of `request.removeKeys`; the exit status of the first that
/// failed (an interrupt ends at once), 0 if none did.
int removeSegments(const CreateRequest &request);
