// SPDX-License-Identifier: BSD-3-Clause
#include "sys/write_fully.h"

#include "sys/ready_wait.h"

#include <shmtools/interrupt.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <functional>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {

// This file is part of shm_helpers, which the tools link beside libshmtools.so.1: it reaches the
// interrupt state only through the public calls, so a tool process has that state once (in the
// library). std::ref keeps std::function from allocating for each call.
long interruptible(const auto &call)
{
    return shmtools::interruptibleCall(std::cref(call));
}

} // namespace

int writeFully(int fd, const void *data, std::size_t length, const WrittenFn &written, std::size_t chunk)
{
    const auto *bytes = static_cast<const unsigned char *>(data);
    std::size_t done = 0;
    while (done < length) {
        const std::size_t want = std::min(length - done, chunk);
        const ssize_t n = interruptible([&] { return ::write(fd, bytes + done, want); });
        if (n < 0) {
            if (errno == EINTR && !shmtools::interruptSignal())
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

void enlargePipe(int fd, std::size_t bytes)
{
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode))
        ::fcntl(fd, F_SETPIPE_SZ, static_cast<int>(bytes));
}

} // namespace shmtools::detail
