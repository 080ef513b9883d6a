// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/segment.h>

#include <functional>
#include <optional>

/// Calls `deliver` for every new version published after generation `after` (at least once per
/// wake-up, with the latest version; versions published faster than they are delivered are
/// coalesced), until `deliver` fails, an idle wait exceeds `idleTimeout` (TimedOut), a signal
/// arrives (Interrupted; with an empty message while waiting for the next version, following's
/// normal end, which needs no words) or the holder stops (NoSegment).
shmtools::Status followVersions(shmtools::Segment &segment, std::uint64_t after,
                                std::optional<shmtools::Seconds> idleTimeout,
                                const std::function<shmtools::Result<shmtools::VersionInfo>()> &deliver);
