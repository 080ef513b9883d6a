// SPDX-License-Identifier: BSD-3-Clause
#include "follow.h"

shmtools::Status followVersions(shmtools::Segment &segment, std::uint64_t after,
                                std::optional<shmtools::Seconds> idleTimeout,
                                const std::function<shmtools::Result<shmtools::VersionInfo>()> &deliver)
{
    for (;;) {
        auto next = segment.waitForGenerationAbove(after, idleTimeout);
        if (!next)
            return next.error();
        auto delivered = deliver();
        if (!delivered)
            return delivered.error();
        after = delivered->generation;
    }
}
