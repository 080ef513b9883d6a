// SPDX-License-Identifier: BSD-3-Clause
#pragma once

namespace shmtools::detail {

/// Sleeps in poll() until `fd` is ready for `events` (POLLIN or POLLOUT; an error or hang-up
/// counts as ready: the next read or write says what it is), however long that takes, unless an
/// interrupt arrives (include/shmtools/interrupt.h). For a descriptor whose open file description
/// is non-blocking (O_NONBLOCK, set by whoever shares it) EAGAIN is no error, only a reason to
/// wait as a blocking call would. 0, or the errno that ended the wait (EINTR: interrupted).
int waitUntilReady(int fd, short events);

} // namespace shmtools::detail
