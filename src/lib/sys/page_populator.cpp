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

PagePopulator::PagePopulator(unsigned char *start, std::uint64_t length)
{
    // Without a thread to spare (a pids limit reached) the copy simply faults every page itself.
    m_thread = startOptionalHelperThread([this, start, length] {
        for (std::uint64_t offset = 0; offset < length && !m_stop.load(std::memory_order_relaxed); offset += kStep)
            ::madvise(start + offset, std::min(kStep, length - offset), MADV_POPULATE_WRITE);
    });
}

PagePopulator::~PagePopulator()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

} // namespace shmtools::detail
