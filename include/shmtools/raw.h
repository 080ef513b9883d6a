// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Raw mode: any QSharedMemory segment under a key, used the way the seed example's Qt programs
// use it (a C string written and read under Qt's lock). For exchanging data with Qt programs that
// do not know the shm-tools protocol. None of the shm-tools guarantees hold: no versions, no
// checksum, no protection against a torn read by a program that ignores the lock.

#include <shmtools/error.h>
#include <shmtools/export.h>
#include <shmtools/input.h>
#include <shmtools/segment.h>

#include <cstdint>
#include <string>

namespace shmtools {

/// Writes the whole input followed by a NUL into the segment under `key`, under its lock, and
/// returns the byte count (without the NUL). NoSegment if there is none; TooLarge if it does not
/// fit (nothing written); InvalidContent for a shm-tools segment (its header would be
/// destroyed); Unsafe, TimedOut, InputUnreadable as for Segment.
SHMTOOLS_EXPORT Result<std::uint64_t> rawLoad(const std::string &key, const Input &input,
                                              const OpenOptions &options = {});

/// Writes the segment's bytes up to the first NUL (every byte if `all`) to `fd` and returns the
/// count. The copy is taken under the lock and written out after unlocking. NoSegment, Unsafe,
/// TimedOut as for Segment; Failure if writing fails.
SHMTOOLS_EXPORT Result<std::uint64_t> rawRead(const std::string &key, int fd, bool all = false,
                                              const OpenOptions &options = {});

} // namespace shmtools
