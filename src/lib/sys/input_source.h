#pragma once

#include "base/result.h"

#include <cstdint>
#include <optional>
#include <string>

/// The content to load: a file, or standard input for "-". Read with read(2) straight into the
/// destination (the segment), so there is never a private copy of the whole input.
class InputSource {
public:
    /// Opens `path`. InputUnreadable (with the system's reason) if it is missing, a directory,
    /// or not readable.
    static Result<InputSource> open(const std::string &path);
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
    int m_fd;
    bool m_owned;
    std::string m_name;
    std::optional<std::uint64_t> m_knownSize;
};
