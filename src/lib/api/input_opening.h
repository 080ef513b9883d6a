#pragma once

// Turns a public Input into the core's InputSource. The core reads only files by path, so a
// descriptor is reached through /proc/self/fd and bytes in memory through a memfd holding a copy
// of them: a stopgap until InputSource takes a descriptor and a buffer itself.

#include "sys/input_source.h"
#include "scoped_fd.h"

#include <shmtools/error.h>
#include <shmtools/input.h>

#include <optional>
#include <string>

namespace shmtools::detail {

class OpenedInput {
public:
    /// Opens `input`. InputUnreadable if it cannot be opened; Failure if no memfd can be made.
    static Result<OpenedInput> open(const Input &input, const std::string &key);

    InputSource &source() { return *m_source; }
    /// `error` about this input, with the /proc path it was reached through named as the input.
    Error describe(const ::Error &error, const std::string &key) const;

private:
    OpenedInput() = default;
    ScopedFd m_copy; ///< the memfd holding bytes from memory
    std::string m_procPath;
    std::string m_name;
    std::optional<InputSource> m_source;
};

} // namespace shmtools::detail
