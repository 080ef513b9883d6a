// SPDX-License-Identifier: BSD-3-Clause
#include "sys/input_source.h"

#include "sys/interrupt.h"
#include "sys/ready_wait.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace shmtools::detail {

Result<InputSource> InputSource::open(const std::string &path)
{
    const bool isStdin = path == "-";
    const std::string name = isStdin ? "stdin" : path;
    int fd = STDIN_FILENO;
    // Opening a FIFO waits for its writer, as long as it takes: the wait is a blocking call
    // that an interrupt ends (and answers as one), like every other.
    while (!isStdin && (fd = interruptibleCall([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); })) < 0) {
        if (errno != EINTR)
            return makeError(ErrorCode::InputUnreadable, name + ": " + std::strerror(errno));
        if (interruptSignal())
            return makeError(ErrorCode::Interrupted, name + ": interrupted while opening it (waiting for a writer?)");
    }
    InputSource source(fd, !isStdin, name, std::nullopt);
    if (auto inspected = source.inspect(); !inspected)
        return inspected.error();
    return source;
}

Result<InputSource> InputSource::fromDescriptor(int fd, std::string name)
{
    InputSource source(fd, false, std::move(name), std::nullopt);
    if (auto inspected = source.inspect(); !inspected)
        return inspected.error();
    if (source.m_knownSize)
        source.m_readAt = 0;
    return source;
}

InputSource InputSource::fromBuffer(std::span<const std::byte> content, std::string name)
{
    InputSource source(-1, false, std::move(name), content.size());
    source.m_buffer = content;
    return source;
}

Status InputSource::inspect()
{
    struct stat info {};
    if (::fstat(m_fd, &info) != 0)
        return makeError(ErrorCode::InputUnreadable, m_name + ": " + std::strerror(errno));
    if (S_ISDIR(info.st_mode))
        return makeError(ErrorCode::InputUnreadable, m_name + ": " + std::strerror(EISDIR));
    if (S_ISREG(info.st_mode)) {
        m_knownSize = static_cast<std::uint64_t>(info.st_size);
        ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    return {};
}

InputSource::InputSource(InputSource &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_owned(std::exchange(other.m_owned, false)),
      m_name(std::move(other.m_name)), m_knownSize(other.m_knownSize), m_readAt(other.m_readAt),
      m_buffer(other.m_buffer)
{
}

InputSource::~InputSource()
{
    if (m_owned && m_fd >= 0)
        ::close(m_fd);
}

Result<std::size_t> InputSource::read(void *destination, std::size_t length)
{
    if (m_fd < 0) {
        const std::size_t n = std::min(length, m_buffer.size());
        if (n > 0)
            std::memcpy(destination, m_buffer.data(), n);
        m_buffer = m_buffer.subspan(n);
        return n;
    }
    for (;;) {
        const ssize_t n = interruptibleCall([&] {
            return m_readAt ? ::pread(m_fd, destination, length, *m_readAt) : ::read(m_fd, destination, length);
        });
        if (n > 0 && m_readAt)
            *m_readAt += n;
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            // A non-blocking input (O_NONBLOCK set by whoever shares the description, e.g. a
            // pipe the producer made non-blocking) with nothing to read yet: no error, wait for
            // more as long as the producer takes; only the input's end ends the load.
            const int error = waitUntilReady(m_fd, POLLIN);
            if (error == 0)
                continue;
            errno = error;
        }
        if (errno == EINTR) {
            if (interruptSignal())
                return makeError(ErrorCode::Interrupted, m_name + ": interrupted while reading");
            continue;
        }
        return makeError(ErrorCode::InputUnreadable, m_name + ": " + std::strerror(errno));
    }
}

} // namespace shmtools::detail
