#pragma once

// The core fails with the public types (include/shmtools/error.h): shmtools::Error, Result,
// Status, ErrorCode and Remedy. These are the core's helpers to make them.

#include <shmtools/error.h>

#include <string>
#include <sys/types.h>
#include <utility>

namespace shmtools::detail {

/// A failure: the code, one line of facts naming the operation, the thing and the cause (no tool
/// prefix and no remedy that depends on the caller), and the other process it names (0: none).
inline Error makeError(ErrorCode code, std::string message, pid_t pid = 0)
{
    return Error{code, std::move(message), {}, pid, Remedy::None};
}

/// The same with what to do about it, for the caller to word.
inline Error makeError(ErrorCode code, std::string message, Remedy remedy, pid_t pid = 0)
{
    return Error{code, std::move(message), {}, pid, remedy};
}

/// `error` about `key`: the facade names the key a failure concerns (the core states it in the
/// message only).
inline Error withKey(Error error, const std::string &key)
{
    error.key = key;
    return error;
}

} // namespace shmtools::detail
