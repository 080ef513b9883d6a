// SPDX-License-Identifier: BSD-3-Clause
// Raw mode: a facade over the core's rawLoad and rawRead.
#include "base/error.h"
#include "sys/ipc_names.h"
#include "input_opening.h"
#include "protocol/raw_segment.h"

#include <shmtools/raw.h>

namespace shmtools {

Result<std::uint64_t> rawLoad(const std::string &key, const Input &input, const OpenOptions &options)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    auto opened = detail::openInput(input, key);
    if (!opened)
        return opened.error();
    auto written = detail::rawLoad(*names, *opened, options.lockTimeout.count());
    if (!written)
        return detail::withKey(written.error(), key);
    return *written;
}

Result<std::uint64_t> rawRead(const std::string &key, int fd, bool all, const OpenOptions &options)
{
    auto names = detail::ipcNamesFor(key);
    if (!names)
        return detail::withKey(names.error(), key);
    auto read = detail::rawRead(*names, fd, all, options.lockTimeout.count());
    if (!read)
        return detail::withKey(read.error(), key);
    return *read;
}

} // namespace shmtools
