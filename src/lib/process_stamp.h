#pragma once

// The bridge between processes as the segment records them (layout::ProcessStamp) and as the
// system knows them (ProcessIdentity).

#include "process_identity.h"
#include "segment_layout.h"

#include <chrono>
#include <cstdint>

/// The stamp to record for `identity`.
inline layout::ProcessStamp stampOf(const ProcessIdentity &identity)
{
    return {identity.pid, 0, identity.startTime};
}

/// The process a stamp names.
inline ProcessIdentity identityOf(const layout::ProcessStamp &stamp)
{
    return {stamp.pid, stamp.startTime};
}

/// True if the stamp names a process that still runs (an empty stamp names none).
inline bool isAlive(const layout::ProcessStamp &stamp)
{
    return stamp.pid != 0 && identityOf(stamp).isAlive();
}

/// Now, as the segment records times: Unix time in milliseconds.
inline std::int64_t unixTimeMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
