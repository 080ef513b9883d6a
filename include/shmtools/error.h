// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// How every call of the API fails: a Result holding either the value or an Error with a stable
// code and the facts. The library never prints, never exits and never throws for a failure it
// can report (only std::bad_alloc escapes).

#include <shmtools/export.h>

#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <variant>

namespace shmtools {

/// Why a call failed. The values are the exit codes the shm-tools programs document (README,
/// "Exit codes"), so a program built on the API can exit with static_cast<int>(code).
enum class ErrorCode : int {
    Failure = 1,         ///< unexpected failure; the message says what
    Usage = 2,           ///< a bad argument: empty or too long key, zero capacity, a limit exceeded
    NoSegment = 3,       ///< no such segment, or its holder is not running (or stopped meanwhile)
    KeyHeld = 4,         ///< the key is held by another live holder
    InputUnreadable = 5, ///< the input cannot be read
    TooLarge = 6,        ///< the content does not fit the segment's capacity
    TimedOut = 7,        ///< a bounded wait ran out
    InvalidContent = 8,  ///< foreign format, corrupt header, or checksum mismatch
    Unsafe = 9,          ///< segment, semaphore or key file not owned by this user alone
    Interrupted = 130,   ///< SIGINT, SIGTERM or SIGHUP (see interrupt.h) while blocked
};

/// A stable lower-case name for `code` ("no-segment", "timed-out", ...); "unknown" for a value
/// outside the enum. Never fails.
SHMTOOLS_EXPORT const char *errorCodeName(ErrorCode code);

/// What the caller can do about a failure. The message states only facts; a remedy that depends
/// on how the program is driven (its options, its settings) comes as this value, for the program
/// to word in its own terms, so that it never needs to parse the message. Advice that is the same
/// for every program ("use another key", "remove it with 'ipcrm -m ID'") stays in the message.
/// The values are stable: new ones may be added, none renumbered.
enum class Remedy : int {
    None = 0,                          ///< nothing beyond what the message says
    StartHolder = 1,                   ///< no holder runs for the key: start one (see Holder), with the same TMPDIR
    AdoptOrphan = 2,                   ///< the holder died, its segment and content remain: start a holder to adopt it
    RestartHolder = 3,                 ///< the segment is unusable: stop its holder (`pid`, if known), start a new one
    UseMatchingVersion = 4,            ///< made by another shm-tools format version: use that version, or restart
    StopHolderOrChooseAnotherKey = 5,  ///< a live process (`pid`) holds the key: stop it, or use another key
    GiveKey = 6,                       ///< the key is empty: give one
    UseRaw = 7,                        ///< a plain Qt segment, not made by shm-tools: open it raw (see raw.h)
    UseWithoutRaw = 8,                 ///< a shm-tools segment opened raw: open it with the protocol instead
    RaiseTimeout = 9,                  ///< a bounded wait ran out: retry, or allow a longer wait
    RaiseTimeoutOrStopLockHolder = 10, ///< the lock stayed taken (by `pid`, if known): retry, wait longer, or stop it
    LargerCapacity = 11,               ///< the content does not fit: hold the key with a larger capacity
    SmallerCapacity = 12,              ///< the capacity asked for cannot be made: ask for less
    ContinueStoppedProcess = 13,       ///< the process (`pid`) is stopped (SIGSTOP, a debugger): continue it
    RemoveAgain = 14,                  ///< a removal met a segment made meanwhile and removed nothing: remove again
    JoinHolderIpcNamespace = 15,       ///< the holder (`pid`, if seen) runs in another IPC namespace: run there
    RemoveLeftovers = 16,              ///< what is named could not be removed now: remove the key once it can be
};

/// A stable lower-case name for `remedy` ("start-holder", "raise-timeout", ...); "unknown" for a
/// value outside the enum. Never fails.
SHMTOOLS_EXPORT const char *remedyName(Remedy remedy);

/// A failure: its code, facts and remedy. `message` is one line naming the key, the thing and
/// the cause (no program-name prefix, no newline); the caller decides how to show it.
struct Error {
    Error() = default;
    /// So that `Error{code, message}` needs no placeholders for the facts it lacks.
    Error(ErrorCode code, std::string message, std::string key = {}, pid_t pid = 0, Remedy remedy = Remedy::None)
        : code(code), message(std::move(message)), key(std::move(key)), pid(pid), remedy(remedy)
    {
    }

    ErrorCode code = ErrorCode::Failure;
    std::string message;
    std::string key;              ///< the segment key involved; empty if none
    pid_t pid = 0;                ///< the other process involved (holder, lock holder, loader, reader); 0 if none
    Remedy remedy = Remedy::None; ///< what to do about it, for the caller to word
};

/// A value or an Error.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    /// The value; only valid if ok().
    T &value() { return std::get<0>(m_state); }
    const T &value() const { return std::get<0>(m_state); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    /// The failure; only valid if !ok().
    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

/// Success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error; }
    explicit operator bool() const { return ok(); }
    /// The failure; only valid if !ok().
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace shmtools
