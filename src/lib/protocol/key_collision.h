// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// ftok collisions: ftok() keeps 16 bits of a key file's inode and 8 of its device, so two keys'
// files meet under one System V key by chance. What tells that the objects under a key file's
// System V key are another key's, for a holder's start (which then makes a new key file) and
// for --remove (which then leaves them alone).

#include "format/segment_layout.h"
#include "sys/ipc_names.h"
#include "sys/key_file.h"

#include <vector>

namespace shmtools::detail {

/// Which of a key's two key files.
enum class KeyFileKind { Segment, Semaphore };

/// Whether another key's objects use the System V key of `file`, the key's `kind` key file: a
/// shm-tools segment among `recorded` (the identities of the segments here, listSegments) of
/// another key, or of this key under another TMPDIR, records a different key file under that
/// System V key; or another file of that kind in TMPDIR (a Qt program's, another user's) has it.
/// Never where a segment of this key records `file` (an orphan to adopt, a running holder), nor
/// for the key file itself reached under another path (a bind mount, a renamed TMPDIR). Callers
/// also leave alone key files a running holder marks (a raw holder, or one in another IPC
/// namespace): its objects are the key's, whatever a stray file says.
bool anotherKeyUses(const IpcNames &names, KeyFileKind kind, const KeyFile &file,
                    const std::vector<layout::KeyIdentity> &recorded);

/// Whether `recorded`, a segment's header, is another key's, or this key's under another TMPDIR.
bool recordsAnotherKey(const layout::KeyIdentity &recorded, const IpcNames &names);

} // namespace shmtools::detail
