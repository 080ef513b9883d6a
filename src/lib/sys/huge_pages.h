// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Transparent huge pages for System V segments. A segment mapped with 4 KiB pages costs one
// page-table entry per page in every process that maps it, and on some hosts (virtual machines
// with expensive page-table updates) filling and tearing those down costs more than copying the
// data. Where the kernel allows huge pages for shared memory, a 2 MiB aligned mapping with
// MADV_HUGEPAGE needs one entry per 2 MiB instead. Whether a page is huge is decided when it is
// first touched, by the mapping that touches it: so every process maps this way.

#include <cstdint>

namespace shmtools::detail {

inline constexpr std::uint64_t kHugePageSize = 2 << 20;

/// Whether the kernel gives System V segments huge pages when asked:
/// /sys/kernel/mm/transparent_hugepage/shmem_enabled is advise, within_size, always or force.
/// False if the file is missing or unreadable.
bool shmemHugePagesAvailable();

enum class MappingAccess { ReadWrite, ReadOnly };

/// shmat(shmid), read-write or read-only (SHM_RDONLY). A segment that spans at least one huge
/// page is mapped at a 2 MiB aligned address (so pages that are huge are mapped huge, even after
/// the setting was switched off), advised MADV_HUGEPAGE where huge pages are available; a
/// smaller one is a plain shmat. Returns the address, or (void *)-1 with errno set as shmat
/// sets it.
void *attachSegmentMemory(int shmid, std::uint64_t size, MappingAccess access = MappingAccess::ReadWrite);

/// Whether the segment's bytes at `offset` are on a huge page: maps the 2 MiB block around it
/// on its own (read-only, aligned), faults in the one small page at `offset` (a page that exists:
/// nothing is allocated) and asks /proc/self/smaps whether the kernel mapped it huge. It answers
/// for the pages, whatever the setting is now: pages made huge while it allowed them stay huge.
/// False if unknown, or for a segment smaller than a huge page.
bool hugePageAt(int shmid, std::uint64_t segmentSize, std::uint64_t offset);

} // namespace shmtools::detail
