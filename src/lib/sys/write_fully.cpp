// SPDX-License-Identifier: BSD-3-Clause
#include "sys/write_fully.h"

#include "sys/interrupt.h"

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace shmtools::detail {

int writeFully(int fd, const void *data, std::size_t length, const WrittenFn &written, std::size_t chunk)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    std::size_t done = 0;
    while (done < length) {
        const std::size_t want = std::min(length - done, chunk);
        const ssize_t n = interruptibleCall([&] { return ::write(fd, bytes + done, want); });
        if (n < 0) {
            if (errno == EINTR && !interruptSignal())
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Non-blocking (O_NONBLOCK set by whoever shares the description) and full:
                // no error, wait for room as long as the consumer takes.
                if (const int error = waitUntilReady(fd, POLLOUT))
                    return error;
                continue;
            }
            return errno;
        }
        if (n == 0)
            return EIO; // write(2) never returns 0 for a non-empty buffer; do not spin if it does
        done += static_cast<std::size_t>(n);
        if (written)
            written(done);
    }
    return 0;
}

} // namespace shmtools::detail
