#pragma once

// Reading into memory through the core, which writes versions to descriptors: the version goes
// to a memfd, which is then mapped. A stopgap until the core's read takes a memory sink.

#include "scoped_fd.h"

#include <shmtools/error.h>

#include <cstddef>
#include <span>
#include <string>

namespace shmtools::detail {

class MemorySink {
public:
    /// A fresh, empty memfd. Failure if none can be made.
    static Result<MemorySink> create(const std::string &key);
    MemorySink(MemorySink &&other) noexcept;
    MemorySink &operator=(MemorySink &&) = delete;
    ~MemorySink();

    int fd() const { return m_fd.get(); }
    /// Maps what was written. Failure if it cannot be mapped.
    Result<std::span<const std::byte>> contents(const std::string &key);

private:
    explicit MemorySink(ScopedFd fd) : m_fd(std::move(fd)) {}
    ScopedFd m_fd;
    void *m_map = nullptr;
    std::size_t m_length = 0;
};

} // namespace shmtools::detail
