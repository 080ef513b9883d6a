// SPDX-License-Identifier: BSD-3-Clause
#pragma once
// shm-create holding a segment: in the foreground (with --watch, its events), or detached.

#include "create_request.h"

/// Starts the holder of `request.common.key` and serves until a signal stops it; with
/// Mode::Detach, returns once it serves in the background, its PID printed. The exit status.
int hold(const CreateRequest &request);
