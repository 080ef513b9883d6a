// SPDX-License-Identifier: BSD-3-Clause
#include "follow.h"

shmtools::Status followVersions(shmtools::Segment &segment, std::uint64_t after,
                                std::optional<shmtools::Seconds> idleTimeout,
                                const std::function<shmtools::Result<shmtools::VersionInfo>()> &deliver)
{
    for (;;) {
        auto next = segment.waitForGenerationAbove(after, idleTimeout);
        // An interrupt between versions is how following is ended (Ctrl-C): nothing went wrong.
        if (!next && next.error().code == shmtools::ErrorCode::Interrupted)
            return shmtools::Error{shmtools::ErrorCode::Interrupted, std::string(), next.error().key};
        if (!next)
            return next.error();
        auto delivered = deliver();
        if (!delivered)
            return delivered.error();
        after = delivered->generation;
    }
}
