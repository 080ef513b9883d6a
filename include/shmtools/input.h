// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What to load into a segment: a file by path, an open descriptor, or bytes in memory.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace shmtools {

class Input {
public:
    enum class Kind { File, Descriptor, Bytes };

    /// The file at `path`, streamed into the segment; "-" is standard input.
    static Input file(const std::string &path) { return Input(Kind::File, path == "-" ? "stdin" : path, path); }
    /// What can be read from `fd`: a pipe or FIFO to its end, a regular file whole (from its
    /// start, whatever the descriptor's offset). `fd` is neither closed nor moved; `name` appears
    /// in error messages and is the default source name.
    static Input descriptor(int fd, std::string name)
    {
        Input input(Kind::Descriptor, std::move(name), {});
        input.m_fd = fd;
        return input;
    }
    /// Bytes in memory. They are not copied: they must outlive the load.
    static Input bytes(std::span<const std::byte> content, std::string name = "memory")
    {
        Input input(Kind::Bytes, std::move(name), {});
        input.m_content = content;
        return input;
    }
    /// Text or bytes in a string; not copied, as above.
    static Input bytes(std::string_view content, std::string name = "memory")
    {
        return bytes(std::as_bytes(std::span(content.data(), content.size())), std::move(name));
    }

    Kind kind() const { return m_kind; }
    /// For messages and the default source name: the path, "stdin", or the name given.
    const std::string &name() const { return m_name; }
    const std::string &path() const { return m_path; }
    int fd() const { return m_fd; }
    std::span<const std::byte> content() const { return m_content; }

private:
    Input(Kind kind, std::string name, std::string path)
        : m_kind(kind), m_name(std::move(name)), m_path(std::move(path))
    {
    }
    Kind m_kind;
    std::string m_name;
    std::string m_path;
    int m_fd = -1;
    std::span<const std::byte> m_content;
};

} // namespace shmtools
