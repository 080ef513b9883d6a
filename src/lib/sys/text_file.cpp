// SPDX-License-Identifier: BSD-3-Clause
#include "sys/text_file.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace shmtools::detail {

std::optional<std::string> readTextFile(const char *path)
{
    int fd = -1;
    do
        fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return std::nullopt;
    std::string text;
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        ::close(fd);
        if (n < 0)
            return std::nullopt;
        return text;
    }
}

} // namespace shmtools::detail
