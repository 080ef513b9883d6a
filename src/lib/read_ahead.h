#pragma once

// The read path's page-table work, off the critical path. A reader maps a slot that its process
// has never touched: every page needs a page-table entry before the checksum can read it, and
// on some hosts filling those costs several times more than hashing the bytes (README,
// "Performance"). Here a helper thread fills them ahead of the checksum, and the calling thread
// fills from the far end whenever the checksum has caught up, so both cores work on it.

#include <cstdint>

/// XXH3-64 of [data, data + length) (the same digest as Checksum::of), with the range's pages
/// faulted in (MADV_POPULATE_READ) by two threads while it is hashed. Small ranges take one
/// populate call and one checksum call on this thread. Nothing fails: a page that could not be
/// populated ahead is faulted in by the checksum itself.
std::uint64_t checksumReadingAhead(const unsigned char *data, std::uint64_t length);
