// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace shmtools::detail {

/// Faults in the pages of [start, start + length) now, in one call (several times cheaper than
/// one fault per page): for writing (allocating them) or for reading. Best effort: where the
/// kernel lacks MADV_POPULATE_* (before 5.14), the copy simply faults them as usual.
void populatePages(const unsigned char *start, std::uint64_t length, bool forWrite);

/// Faults in the pages of a range of the segment from a second thread, ahead of the copy into
/// it: on a first load, allocating and zeroing pages then overlaps with copying instead of
/// following it. Nothing depends on it finishing: a page the copy reaches first is simply
/// faulted by the copy, and when no thread can be had (a pids limit) none is started. Stops
/// early when destroyed.
class PagePopulator {
public:
    PagePopulator(unsigned char *start, std::uint64_t length);
    PagePopulator(const PagePopulator &) = delete;
    PagePopulator &operator=(const PagePopulator &) = delete;
    ~PagePopulator();

private:
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace shmtools::detail
