#include "read_ahead.h"

#include "checksum.h"
#include "interrupt.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <sys/mman.h>

namespace {

// One page-table page's worth (and one huge page): the unit both threads claim.
constexpr std::uint64_t kChunk = 2 << 20;
// Below this, starting a thread costs more than it overlaps.
constexpr std::uint64_t kParallelFrom = 16 << 20;

enum ChunkState : int { Untouched, Claimed, Populated };

void populate(const unsigned char *start, std::uint64_t length)
{
    // The first and last page of a range may be partial: the kernel wants page-aligned ranges.
    const auto first = reinterpret_cast<std::uintptr_t>(start) & ~std::uintptr_t{4095};
    const auto end = (reinterpret_cast<std::uintptr_t>(start) + length + 4095) & ~std::uintptr_t{4095};
    ::madvise(reinterpret_cast<void *>(first), end - first, MADV_POPULATE_READ);
}

class Chunks {
public:
    Chunks(const unsigned char *data, std::uint64_t length)
        : m_data(data), m_length(length), m_count((length + kChunk - 1) / kChunk),
          m_states(std::make_unique<std::atomic<int>[]>(m_count))
    {
    }
    std::uint64_t count() const { return m_count; }
    const unsigned char *start(std::uint64_t chunk) const { return m_data + chunk * kChunk; }
    std::uint64_t length(std::uint64_t chunk) const { return std::min(kChunk, m_length - chunk * kChunk); }
    std::atomic<int> &state(std::uint64_t chunk) { return m_states[chunk]; }

    /// Populates the chunk if nobody claimed it yet; false if someone did.
    bool populateIfUntouched(std::uint64_t chunk)
    {
        int expected = Untouched;
        if (!m_states[chunk].compare_exchange_strong(expected, Claimed, std::memory_order_acq_rel))
            return false;
        populate(start(chunk), length(chunk));
        m_states[chunk].store(Populated, std::memory_order_release);
        m_states[chunk].notify_all();
        return true;
    }

private:
    const unsigned char *m_data;
    std::uint64_t m_length;
    std::uint64_t m_count;
    std::unique_ptr<std::atomic<int>[]> m_states;
};

} // namespace

std::uint64_t checksumReadingAhead(const unsigned char *data, std::uint64_t length)
{
    if (length < kParallelFrom) {
        if (length > 0)
            populate(data, length);
        return Checksum::of(data, length);
    }
    Chunks chunks(data, length);
    // From the front: the helper stops at the first chunk the calling thread took from the back.
    std::thread ahead = startHelperThread([&chunks] {
        for (std::uint64_t chunk = 0; chunk < chunks.count(); ++chunk)
            if (!chunks.populateIfUntouched(chunk))
                break;
    });
    Checksum checksum;
    std::uint64_t back = chunks.count();
    for (std::uint64_t chunk = 0; chunk < chunks.count(); ++chunk) {
        for (;;) {
            const int state = chunks.state(chunk).load(std::memory_order_acquire);
            if (state == Populated)
                break;
            if (state == Untouched && chunks.populateIfUntouched(chunk))
                break;
            // The helper is on this very chunk: fill one from the far end meanwhile, or wait.
            if (back > chunk + 1 && chunks.populateIfUntouched(back - 1)) {
                --back;
                continue;
            }
            chunks.state(chunk).wait(Claimed, std::memory_order_acquire);
        }
        checksum.update(chunks.start(chunk), chunks.length(chunk));
    }
    ahead.join();
    return checksum.digest();
}
