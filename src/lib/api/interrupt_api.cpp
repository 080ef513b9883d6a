// SPDX-License-Identifier: BSD-3-Clause
#include "sys/interrupt.h"
#include "sys/write_fully.h"

#include <shmtools/interrupt.h>

namespace shmtools {

long interruptibleCall(const std::function<long()> &call)
{
    return detail::interruptibleCall(call);
}

int writeAll(int fd, const void *data, std::size_t length)
{
    return detail::writeFully(fd, data, length);
}

} // namespace shmtools
