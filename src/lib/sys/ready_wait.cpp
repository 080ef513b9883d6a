// SPDX-License-Identifier: BSD-3-Clause
#include "sys/ready_wait.h"

#include <shmtools/interrupt.h>

#include <cerrno>
#include <functional>
#include <poll.h>

namespace shmtools::detail {

// Part of shm_helpers, which the tools link beside libshmtools.so.1: it reaches the interrupt
// state only through the public calls, so a tool process has that state once (in the library).
int waitUntilReady(int fd, short events)
{
    pollfd ready{fd, events, 0};
    const auto wait = [&] { return ::poll(&ready, 1, -1); };
    for (;;) {
        if (shmtools::interruptibleCall(std::cref(wait)) >= 0)
            return 0;
        if (errno != EINTR || shmtools::interruptSignal())
            return errno;
    }
}

} // namespace shmtools::detail
