// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Turns a public Input into the core's InputSource.

#include "sys/input_source.h"

#include <shmtools/error.h>
#include <shmtools/input.h>

#include <string>

namespace shmtools::detail {

/// Opens `input` for a load into `key`'s segment. InputUnreadable if it cannot be opened (a
/// missing file, a directory, a descriptor that is not open).
Result<InputSource> openInput(const Input &input, const std::string &key);

} // namespace shmtools::detail
