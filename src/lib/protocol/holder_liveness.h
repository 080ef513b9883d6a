// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Whether a segment's holder is alive: the one place that decides it, for the listing, removal,
// attach and adoption alike (docs/design.md, "Participants and liveness"). The kernel decides:
// the holder lives while its OFD lock on the segment key file does, which the kernel releases
// when the last of its threads exits. A PID alone never makes a holder alive, except in the
// records of format versions 1 and 2, which hold a PID and its start time instead of a token.
// What the answer cannot be told, it says so (Unknown); each caller decides at its call site
// what Unknown means for it.

#include "base/file_identity.h"
#include "format/segment_layout.h"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace shmtools::detail {

class ProtocolOs;

enum class Liveness {
    Alive,
    Dead,
    /// Cannot be told from here: the key file and its anchor cannot be probed (removed, e.g. with
    /// TMPDIR, or the key recorded shortened) and /proc does not show a process holding the lock,
    /// yet might not show the holder (its PID namespace cannot be seen from here, or its
    /// descriptors cannot be inspected: from a user namespace).
    Unknown,
};

/// What a header says of its holder, and where its lock is.
struct HolderRecord {
    layout::Participant holder{}; ///< the header's holder record
    FileIdentity keyFile{};       ///< the segment key file the header was made for
    /// Where that key file is expected (its anchor is found beside it); empty if not known.
    std::string keyFilePath;
    /// The header's format version: versions 1 and 2 record a PID and its start time where
    /// version 3 records the token.
    std::uint32_t formatVersion = layout::kFormatVersion;
};

struct HolderLiveness {
    Liveness liveness = Liveness::Unknown;
    /// The holder's PID in our PID namespace when known (0: not seen from here): the process
    /// found holding its lock, else its record's PID translated (pidInOurNamespace).
    pid_t pid = 0;
};

/// Whether the holder `record` names is alive. Its lock is probed, in this order, through
/// `participant` (a participant of our own on the same key file, whose description the kernel
/// is asked through: its answer is final), the key file at `record.keyFilePath`, the holder's
/// anchor of it, and /proc (the process whose descriptor of that inode lists the lock). Dead
/// when a probe says so, or when no process in /proc holds the lock and the process the record
/// names is seen from here and is gone or holds no such lock; Unknown where that process cannot
/// be seen or inspected. A record of format version 1 or 2 also counts as alive while its PID
/// and start time name a running process: either reading that says it runs wins.
HolderLiveness holderLiveness(const HolderRecord &record, const ProtocolOs *participant = nullptr);

} // namespace shmtools::detail
