#include "sys/input_source.h"

#include "sys/interrupt.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

Result<InputSource> InputSource::open(const std::string &path)
{
    const bool isStdin = path == "-";
    const std::string name = isStdin ? "stdin" : path;
    const int fd = isStdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return makeError(ExitCode::InputUnreadable, name + ": " + std::strerror(errno));
    InputSource source(fd, !isStdin, name, std::nullopt);
    struct stat info {};
    if (::fstat(fd, &info) != 0)
        return makeError(ExitCode::InputUnreadable, name + ": " + std::strerror(errno));
    if (S_ISDIR(info.st_mode))
        return makeError(ExitCode::InputUnreadable, name + ": " + std::strerror(EISDIR));
    if (S_ISREG(info.st_mode))
        source.m_knownSize = static_cast<std::uint64_t>(info.st_size);
    if (source.m_knownSize)
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return source;
}

InputSource::InputSource(InputSource &&other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_owned(std::exchange(other.m_owned, false)),
      m_name(std::move(other.m_name)), m_knownSize(other.m_knownSize)
{
}

InputSource::~InputSource()
{
    if (m_owned && m_fd >= 0)
        ::close(m_fd);
}

Result<std::size_t> InputSource::read(void *destination, std::size_t length)
{
    for (;;) {
        const ssize_t n = interruptibleCall([&] { return ::read(m_fd, destination, length); });
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno == EINTR) {
            if (interruptSignal())
                return makeError(ExitCode::Interrupted, m_name + ": interrupted while reading");
            continue;
        }
        return makeError(ExitCode::InputUnreadable, m_name + ": " + std::strerror(errno));
    }
}
