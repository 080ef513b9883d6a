// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include "base/error.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <sys/types.h>

namespace shmtools::detail {

/// The content to load: a file, standard input for "-", an open descriptor or bytes in memory.
/// Read with read(2) (or copied from memory) straight into the destination (the segment), so
/// there is never a private copy of the whole input.
class InputSource {
public:
    /// Opens `path` (a FIFO: waits for its writer). InputUnreadable (with the system's reason) if
    /// it is missing, a directory, or not readable; Interrupted on SIGINT/SIGTERM/SIGHUP meanwhile.
    static Result<InputSource> open(const std::string &path);
    /// What can be read from `fd`, which stays open and is not moved: a regular file whole, from
    /// its start whatever the descriptor's offset, anything else to its end. `name` is for
    /// messages. InputUnreadable (with the system's reason) if it cannot be inspected, or is a
    /// directory.
    static Result<InputSource> fromDescriptor(int fd, std::string name);
    /// The bytes of `content`, which must outlive the source. Never fails.
    static InputSource fromBuffer(std::span<const std::byte> content, std::string name);
    InputSource(InputSource &&other) noexcept;
    InputSource &operator=(InputSource &&) = delete;
    ~InputSource();

    /// "notes.txt", or "stdin" for "-".
    const std::string &name() const { return m_name; }
    /// The size of a regular file; nullopt for pipes, terminals and devices.
    std::optional<std::uint64_t> knownSize() const { return m_knownSize; }
    /// Reads up to `length` bytes; 0 at the end. InputUnreadable on a read error, Interrupted
    /// on SIGINT/SIGTERM/SIGHUP.
    Result<std::size_t> read(void *destination, std::size_t length);

private:
    InputSource(int fd, bool owned, std::string name, std::optional<std::uint64_t> size)
        : m_fd(fd), m_owned(owned), m_name(std::move(name)), m_knownSize(size)
    {
    }
    /// Records what fstat says about m_fd (the size of a regular file); refuses a directory.
    Status inspect();
    int m_fd;
    bool m_owned;
    std::string m_name;
    std::optional<std::uint64_t> m_knownSize;
    std::optional<off_t> m_readAt;       ///< for a regular file given by descriptor: pread from here
    std::span<const std::byte> m_buffer; ///< for bytes in memory (m_fd < 0): what is left
};

} // namespace shmtools::detail
