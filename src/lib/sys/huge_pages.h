#pragma once

// Transparent huge pages for System V segments. A segment mapped with 4 KiB pages costs one
// page-table entry per page in every process that maps it, and on some hosts (virtual machines
// with expensive page-table updates) filling and tearing those down costs more than copying the
// data. Where the kernel allows huge pages for shared memory, a 2 MiB aligned mapping with
// MADV_HUGEPAGE needs one entry per 2 MiB instead. Whether a page is huge is decided when it is
// first touched, by the mapping that touches it: so every process maps this way.

#include <cstdint>

inline constexpr std::uint64_t kHugePageSize = 2 << 20;

/// Whether the kernel gives System V segments huge pages when asked:
/// /sys/kernel/mm/transparent_hugepage/shmem_enabled is advise, within_size, always or force.
/// False if the file is missing or unreadable.
bool shmemHugePagesAvailable();

enum class MappingAccess { ReadWrite, ReadOnly };

/// shmat(shmid), read-write or read-only (SHM_RDONLY). Where huge pages are available and the
/// segment spans at least one, the mapping starts at a 2 MiB aligned address and is advised
/// MADV_HUGEPAGE; otherwise it is a plain shmat. Returns the address, or (void *)-1 with errno
/// set as shmat sets it.
void *attachSegmentMemory(int shmid, std::uint64_t size, MappingAccess access = MappingAccess::ReadWrite);

/// Whether [start + offset, start + offset + length) of the mapping that begins at `start` is
/// mapped by huge pages: faults in at most its first 2 MiB read-only (pages that already exist:
/// nothing is allocated if length covers written data) and asks /proc/self/smaps whether the
/// mapping now holds any huge page. False if unknown.
bool mappedByHugePages(const unsigned char *start, std::uint64_t offset, std::uint64_t length);
