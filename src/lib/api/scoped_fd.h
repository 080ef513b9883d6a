#pragma once

#include <unistd.h>
#include <utility>

namespace shmtools::detail {

/// A descriptor the facade opened, closed on destruction.
class ScopedFd {
public:
    ScopedFd() = default;
    explicit ScopedFd(int fd) : m_fd(fd) {}
    ScopedFd(ScopedFd &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    ScopedFd &operator=(ScopedFd &&other) noexcept
    {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    ~ScopedFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd = -1;
};

} // namespace shmtools::detail
