// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Raw mode: any QSharedMemory segment under the key, used the way the seed example's apps use
// it (a C string written and read under Qt's lock). For interop with other Qt programs.

#include "sys/input_source.h"
#include "sys/ipc_names.h"
#include "base/error.h"

#include <cstdint>

namespace shmtools::detail {

/// Writes the whole input followed by a NUL. TooLarge if it does not fit (nothing written);
/// InvalidContent for a shm-tools segment (its header would be destroyed).
Result<std::uint64_t> rawLoad(const IpcNames &names, InputSource &input, double lockTimeout);

/// Writes the segment's bytes up to the first NUL (all of them if `all`) to `fd`; returns the
/// count. The copy is taken under the lock; writing it out happens after unlocking.
Result<std::uint64_t> rawRead(const IpcNames &names, int fd, bool all, double lockTimeout);

} // namespace shmtools::detail
