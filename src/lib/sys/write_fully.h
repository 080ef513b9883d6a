// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <cstddef>
#include <functional>

namespace shmtools::detail {

/// Called after each successful write with the number of bytes written so far.
using WrittenFn = std::function<void(std::size_t written)>;

/// Writes all `length` bytes of `data` to `fd`, in chunks of at most `chunk` bytes. The one rule
/// for every descriptor the tools write to: short writes are continued; EINTR is retried unless
/// an interrupt signal (interrupt.h) has arrived, and such a signal ends even a write that is
/// blocked on a full pipe; on a non-blocking descriptor EAGAIN is no error: it waits with poll()
/// until the descriptor takes more, however long that is (the same interrupt rule applies). Returns 0 once everything
/// is written, else the errno that stopped it (EINTR: interrupted).
int writeFully(int fd, const void *data, std::size_t length, const WrittenFn &written = {},
               std::size_t chunk = static_cast<std::size_t>(-1));

/// If `fd` is a pipe, asks the kernel to make its buffer `bytes` large (F_SETPIPE_SZ), so that
/// writer and reader take turns less often. Best effort: above the user's limit
/// (fs.pipe-max-size, 1 MiB by default) or on anything else it changes nothing.
void enlargePipe(int fd, std::size_t bytes);

} // namespace shmtools::detail
