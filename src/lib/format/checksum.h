// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace shmtools::detail {

/// Streaming XXH3-64 of a payload: fast enough to run inline with the copy (see README,
/// "Performance") and strong enough to catch torn or corrupted content.
class Checksum {
public:
    Checksum();
    ~Checksum();
    Checksum(const Checksum &) = delete;
    Checksum &operator=(const Checksum &) = delete;

    void update(const void *data, std::size_t length);
    std::uint64_t digest() const;

    /// One-shot digest of a buffer.
    static std::uint64_t of(const void *data, std::size_t length);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace shmtools::detail
