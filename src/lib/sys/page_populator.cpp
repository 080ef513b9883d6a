// SPDX-License-Identifier: BSD-3-Clause
#include "sys/page_populator.h"

#include "sys/interrupt.h"

#include <algorithm>
#include <sys/mman.h>

namespace shmtools::detail {

namespace {
// Small enough to stay ahead of the copy from the start, large enough to amortise the calls.
constexpr std::uint64_t kStep = 2 << 20;
} // namespace

void populatePages(const unsigned char *start, std::uint64_t length, bool forWrite)
{
    if (length == 0)
        return;
    // madvise wants a page-aligned start (the segment's slots are) and rounds the length up.
    ::madvise(const_cast<unsigned char *>(start), length, forWrite ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
}

PagePopulator::PagePopulator(unsigned char *start, std::uint64_t length)
{
    // Without a thread to spare (a pids limit reached) the copy simply faults every page itself.
    m_thread = startOptionalHelperThread([this, start, length] {
        for (std::uint64_t offset = 0; offset < length && !m_stop.load(std::memory_order_relaxed); offset += kStep)
            populatePages(start + offset, std::min(kStep, length - offset), true);
    });
}

PagePopulator::~PagePopulator()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace shmtools::detail
