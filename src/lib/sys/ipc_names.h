// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/error.h"

#include <string>

namespace shmtools::detail {

/// The System V names Qt 6.4 derives for a QSharedMemory key: a key file for the segment and
/// one for its semaphore, both under QDir::tempPath() (so $TMPDIR decides who meets whom).
struct IpcNames {
    std::string key;
    std::string segmentKeyFile;   ///< QSharedMemory::nativeKey()
    std::string semaphoreKeyFile; ///< QSystemSemaphore's file for the same key
    std::string tempDir;
};

/// Derives the names for `key`. Fails with ErrorCode::Usage for an empty key or one whose key
/// file name would exceed the file system's limit.
Result<IpcNames> ipcNamesFor(const std::string &key);

} // namespace shmtools::detail
