#include "memory_sink.h"

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>

namespace shmtools::detail {

namespace {

Error failure(const std::string &key, const char *what)
{
    return Error{ErrorCode::Failure, key + ": cannot hold the content read (" + what + "): " + std::strerror(errno),
                 key, 0};
}

} // namespace

Result<MemorySink> MemorySink::create(const std::string &key)
{
    ScopedFd fd(::memfd_create("shmtools-read", MFD_CLOEXEC));
    if (fd.get() < 0)
        return failure(key, "memfd_create");
    return MemorySink(std::move(fd));
}

MemorySink::MemorySink(MemorySink &&other) noexcept
    : m_fd(std::move(other.m_fd)), m_map(std::exchange(other.m_map, nullptr)), m_length(other.m_length)
{
}

MemorySink::~MemorySink()
{
    if (m_map)
        ::munmap(m_map, m_length);
}

Result<std::span<const std::byte>> MemorySink::contents(const std::string &key)
{
    struct stat info {};
    if (::fstat(m_fd.get(), &info) != 0)
        return failure(key, "fstat");
    if (info.st_size == 0)
        return std::span<const std::byte>();
    if (!m_map) {
        m_length = static_cast<std::size_t>(info.st_size);
        void *map = ::mmap(nullptr, m_length, PROT_READ, MAP_SHARED, m_fd.get(), 0);
        if (map == MAP_FAILED)
            return failure(key, "mmap");
        m_map = map;
    }
    return std::span<const std::byte>(static_cast<const std::byte *>(m_map), m_length);
}

} // namespace shmtools::detail
