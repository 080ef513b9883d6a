#pragma once

// The bridge between processes as the segment records them (layout::ProcessStamp) and as the
// system knows them (ProcessIdentity).

#include "sys/process_identity.h"
#include "format/segment_layout.h"

/// True if the stamp names a process that still runs (an empty stamp names none).
inline bool isAlive(const layout::ProcessStamp &stamp)
{
    return stamp.pid != 0 && ProcessIdentity{stamp.pid, stamp.startTime}.isAlive();
}
