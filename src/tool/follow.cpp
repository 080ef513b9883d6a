#include "follow.h"

Status followVersions(Segment &segment, std::uint64_t after, std::optional<double> idleTimeout,
                      const std::function<Result<VersionInfo>()> &deliver)
{
    for (;;) {
        const Deadline deadline = idleTimeout ? Deadline::after(*idleTimeout) : Deadline::never();
        auto next = segment.waitForGenerationAbove(after, deadline);
        if (!next)
            return next.error();
        auto delivered = deliver();
        if (!delivered)
            return delivered.error();
        after = delivered->generation;
    }
}
