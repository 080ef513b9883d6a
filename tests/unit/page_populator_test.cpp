// SPDX-License-Identifier: BSD-3-Clause
// Faulting in a range's pages ahead of the copy (sys/page_populator), on shared anonymous memory
// (shmem, as a System V segment is): every page of the range becomes resident, the last partial
// step included, and what is written there already stays as it was.
#include "sys/page_populator.h"

#include "support/catch_compat.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace shmtools::detail;

namespace {

/// A shared anonymous mapping of `length` bytes, unmapped at the end of the scope.
struct SharedMemory {
    unsigned char *data = nullptr;
    std::size_t length;
    explicit SharedMemory(std::size_t bytes) : length(bytes)
    {
        void *address = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        REQUIRE(address != MAP_FAILED);
        data = static_cast<unsigned char *>(address);
    }
    ~SharedMemory() { ::munmap(data, length); }
    SharedMemory(const SharedMemory &) = delete;
    SharedMemory &operator=(const SharedMemory &) = delete;

    /// How many of its pages are resident now.
    std::size_t residentPages() const
    {
        std::vector<unsigned char> resident((length + pageSize() - 1) / pageSize());
        REQUIRE(::mincore(data, length, resident.data()) == 0);
        std::size_t count = 0;
        for (const unsigned char page : resident)
            count += page & 1;
        return count;
    }
    std::size_t pages() const { return (length + pageSize() - 1) / pageSize(); }
    static std::size_t pageSize() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
};

} // namespace

TEST_CASE("page populator: every page of the range is faulted in, the partial last step too, content kept",
          "[page_populator]")
{
    // Asked before any check: a skip must come first.
    const std::size_t page = SharedMemory::pageSize();
    void *probe = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    const bool populates = probe != MAP_FAILED && ::madvise(probe, page, MADV_POPULATE_WRITE) == 0;
    if (probe != MAP_FAILED)
        ::munmap(probe, page);
    if (!populates)
        SKIP("this kernel has no MADV_POPULATE_WRITE (Linux 5.14): the populator does nothing here");
    // Two of its 2 MiB steps and three pages more: the last call covers only what is left.
    SharedMemory memory((4u << 20) + 3 * SharedMemory::pageSize());
    std::memcpy(memory.data, "already here", 12); // the first page only: the rest untouched
    REQUIRE(memory.residentPages() == 1);
    std::size_t resident = 0;
    {
        PagePopulator populator(memory.data, memory.length);
        // Its thread runs on its own: wait for what it does, bounded.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while ((resident = memory.residentPages()) < memory.pages() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(resident == memory.pages());
    CHECK(std::memcmp(memory.data, "already here", 12) == 0);
    const std::size_t zeros = static_cast<std::size_t>(
        std::count(memory.data + 12, memory.data + memory.length, static_cast<unsigned char>(0)));
    CHECK(zeros == memory.length - 12); // populating writes nothing
}

TEST_CASE("page populator: an empty range starts and stops cleanly, touching nothing", "[page_populator]")
{
    SharedMemory memory(SharedMemory::pageSize());
    {
        PagePopulator populator(memory.data, 0);
    }
    CHECK(memory.residentPages() == 0);
}
