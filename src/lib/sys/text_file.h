// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Small text files of the kernel (/proc, /proc/sys) read whole. Not std::ifstream: libstdc++
// opens it without O_CLOEXEC, so a fork() and exec() in another thread of the program would
// carry the descriptor into the new program.

#include <optional>
#include <string>

namespace shmtools::detail {

/// The whole content of the file `path`, read through a descriptor opened O_RDONLY|O_CLOEXEC
/// (retried on EINTR). nullopt if it cannot be opened or read.
std::optional<std::string> readTextFile(const char *path);

} // namespace shmtools::detail
