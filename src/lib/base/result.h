// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/exit_code.h"
#include "base/remedy.h"

#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <variant>

/// A failure the library reports: the exit code it maps to, one line of facts naming the
/// operation, the thing and the cause (no tool prefix and no remedy that depends on the caller:
/// the caller adds those), and what to do about it as a Remedy.
struct Error {
    ExitCode code = ExitCode::Failure;
    std::string message;
    pid_t pid = 0; ///< the other process the message names (holder, lock holder, loader, reader); 0 if none
    Remedy remedy = Remedy::None;
};

/// A value or an Error. The library's only way of failing: it never prints and never exits.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_state); }
    const T &value() const { return std::get<0>(m_state); }
    T &operator*() { return value(); }
    T *operator->() { return &value(); }
    const T &operator*() const { return value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

/// Result of an operation that yields nothing but success.
struct Done {};
using Status = Result<Done>;

inline Error makeError(ExitCode code, std::string message, pid_t pid = 0)
{
    return Error{code, std::move(message), pid, Remedy::None};
}

inline Error makeError(ExitCode code, std::string message, Remedy remedy, pid_t pid = 0)
{
    return Error{code, std::move(message), pid, remedy};
}
