#include "input_opening.h"

#include "convert.h"

#include <cerrno>
#include <cstring>
#include <sys/mman.h>

namespace shmtools::detail {

namespace {

Status writeWhole(int fd, std::span<const std::byte> content, const std::string &key)
{
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue; // a memfd write is not a blocking step: finish it
        if (n < 0)
            return Error{ErrorCode::Failure, key + ": cannot copy the content to load: " + std::strerror(errno), key,
                         0};
        done += static_cast<std::size_t>(n);
    }
    return {};
}

} // namespace

Result<OpenedInput> OpenedInput::open(const Input &input, const std::string &key)
{
    OpenedInput opened;
    opened.m_name = input.name();
    std::string path = input.path();
    if (input.kind() == Input::Kind::Descriptor) {
        path = opened.m_procPath = "/proc/self/fd/" + std::to_string(input.fd());
    } else if (input.kind() == Input::Kind::Bytes) {
        opened.m_copy = ScopedFd(::memfd_create("shmtools-input", MFD_CLOEXEC));
        if (opened.m_copy.get() < 0)
            return Error{ErrorCode::Failure,
                         key + ": cannot hold the content to load (memfd_create): " + std::strerror(errno), key, 0};
        if (auto copied = writeWhole(opened.m_copy.get(), input.content(), key); !copied)
            return copied.error();
        path = opened.m_procPath = "/proc/self/fd/" + std::to_string(opened.m_copy.get());
    }
    auto source = InputSource::open(path);
    if (!source)
        return opened.describe(source.error(), key);
    opened.m_source.emplace(std::move(*source));
    return opened;
}

Error OpenedInput::describe(const ::Error &error, const std::string &key) const
{
    Error out = toPublic(error, key);
    if (m_procPath.empty())
        return out;
    for (std::size_t at; (at = out.message.find(m_procPath)) != std::string::npos;)
        out.message.replace(at, m_procPath.size(), m_name);
    return out;
}

} // namespace shmtools::detail
