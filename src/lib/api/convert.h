// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// The facade's one translation point between the core's types and the public API's.

#include "sys/ipc_names.h"
#include "base/result.h"
#include "protocol/segment.h"

#include <shmtools/error.h>
#include <shmtools/segment.h>

#include <optional>
#include <string>

namespace shmtools::detail {

/// The public form of a core error about `key` (which may be empty).
Error toPublic(const ::Error &error, const std::string &key);
VersionInfo toPublic(const ::VersionInfo &version);
SegmentInfo toPublic(const ::SegmentInfo &info);
/// The core's form of a public error (one the caller's callback returned).
::Error toCore(const Error &error);

/// The System V names for `key`; Usage for an empty or too long key.
Result<IpcNames> namesFor(const std::string &key);

} // namespace shmtools::detail
