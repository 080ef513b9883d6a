// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <shmtools/error.h>

#include <string>

/// `shm-read -o FILE`: the content goes to a temporary file beside FILE (same directory, so the
/// rename cannot cross file systems) and replaces FILE only by commit(), after the caller has
/// seen the checksum hold: FILE is never half-written, and is left as it was on any failure.
/// The temporary file has no name until commit (O_TMPFILE), so a reader killed meanwhile
/// (SIGKILL) leaves nothing behind; where the file system lacks O_TMPFILE, a named one.
class OutputFile {
public:
    /// Creates the temporary file (unnamed, or "dir/.NAME.XXXXXX", mode 0600 until commit) beside
    /// FILE, or beside the file a symbolic link FILE leads to (which is then the one replaced).
    /// Usage error if FILE is (or leads to) no regular file, or is a dangling link; failure naming
    /// FILE and the cause if FILE exists and is not writable by us, or its directory cannot take
    /// the temporary file.
    static shmtools::Result<OutputFile> create(const std::string &typed);
    OutputFile(OutputFile &&other) noexcept;
    OutputFile &operator=(OutputFile &&) = delete;
    /// Removes the temporary file unless committed.
    ~OutputFile();

    int fd() const { return m_fd; }
    /// fsync, FILE's owner and group (kept where permitted) and mode (kept if FILE exists, else
    /// 0666 less the umask), rename over FILE, fsync of the directory. Failure naming FILE and
    /// the step that failed.
    shmtools::Status commit();

private:
    OutputFile(std::string path, std::string temporary, int fd);
    shmtools::Status giveName(); ///< links an unnamed temporary file as "dir/.NAME.XXXXXX"
    std::string m_path;
    std::string m_temporary;
    int m_fd = -1;
};
