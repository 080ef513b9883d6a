// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstdint>

namespace shmtools::detail {

/// What identifies a file on this machine: its device and inode, as stat() gives them. Plain
/// data, so that the segment header can record a key file's identity (format/segment_layout.h)
/// and sys/ can hand it over without knowing the format.
struct FileIdentity {
    std::uint64_t device;
    std::uint64_t inode;
};

} // namespace shmtools::detail
