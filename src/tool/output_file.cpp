// SPDX-License-Identifier: BSD-3-Clause
#include "output_file.h"

#include "write_failure.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

using shmtools::Error;
using shmtools::ErrorCode;

namespace {

Error failed(const std::string &path, const std::string &step, int error)
{
    if (error == EMFILE || error == ENFILE)
        return Error{ErrorCode::Failure, descriptorLimitText(path + ": cannot " + step, error)};
    std::string message = path + ": cannot " + step + " (" + std::strerror(error) + ")";
    if (error == ENOSPC || error == EDQUOT || error == EFBIG) // what the file's place can fix
        message += "; " + writeFailureAdvice(OutputTarget::file(path), error) +
                   ", and read again: the segment is unchanged";
    return Error{ErrorCode::Failure, message};
}

std::string temporaryName(const std::filesystem::path &target)
{
    std::string name = (target.parent_path() / ("." + target.filename().string() + ".")).string();
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::random_device random;
    for (int i = 0; i < 6; ++i)
        name += kLetters[random() % (sizeof kLetters - 1)];
    return name;
}

// The directory FILE is in, for O_TMPFILE.
std::string directoryOf(const std::string &path)
{
    const std::string directory = std::filesystem::path(path).parent_path().string();
    return directory.empty() ? "." : directory;
}

mode_t modeFor(const std::string &path)
{
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0)
        return existing.st_mode & 07777;
    const mode_t mask = ::umask(0); // read it: the tools are single-threaded here
    ::umask(mask);
    return 0666 & ~mask;
}

} // namespace

OutputFile::OutputFile(std::string path, std::string temporary, int fd)
    : m_path(std::move(path)), m_temporary(std::move(temporary)), m_fd(fd)
{
}

OutputFile::OutputFile(OutputFile &&other) noexcept
    : m_path(std::move(other.m_path)), m_temporary(std::move(other.m_temporary)), m_fd(other.m_fd)
{
    other.m_fd = -1;
    other.m_temporary.clear();
}

OutputFile::~OutputFile()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_temporary.empty())
        ::unlink(m_temporary.c_str());
}

shmtools::Result<OutputFile> OutputFile::create(const std::string &path)
{
    const std::filesystem::path target(path);
    if (path.empty() || !target.has_filename())
        return Error{ErrorCode::Usage, "-o: '" + path + "' names no file"};
    struct stat existing {};
    if (::stat(path.c_str(), &existing) == 0 && S_ISDIR(existing.st_mode))
        return Error{ErrorCode::Usage, "-o: " + path + " is a directory; name a file in it"};
    // The rename replaces whatever the name is: a device (-o /dev/null), a FIFO, a symlink
    // would be swapped for a regular file, not written through. Only a regular file (or a new
    // name) is ours to replace; anything else goes through stdout.
    if (::lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode))
        return Error{ErrorCode::Usage, "-o: " + path +
                                           " is not a regular file (a device, FIFO, socket or symbolic link), "
                                           "which -o would replace; write to it through stdout instead: "
                                           "shm-read > " + path};
    // Unnamed until commit: nothing to leave behind if we are killed while writing.
    if (const int fd = ::open(directoryOf(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600); fd >= 0)
        return OutputFile(path, std::string(), fd);
    else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return failed(path, "create a temporary file beside it", errno);
    std::string temporary =
        (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0)
        return failed(path, "create a temporary file beside it", errno);
    return OutputFile(path, std::move(temporary), fd);
}

// A name only for the rename over FILE (rename cannot take a descriptor); a new random one if
// another process took it first.
shmtools::Status OutputFile::giveName()
{
    const std::string self = "/proc/self/fd/" + std::to_string(m_fd);
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string name = temporaryName(std::filesystem::path(m_path));
        if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
            m_temporary = std::move(name);
            return {};
        }
        if (errno != EEXIST)
            return failed(m_path, "name the temporary file beside it (linkat)", errno);
    }
    return failed(m_path, "name the temporary file beside it (linkat)", EEXIST);
}

shmtools::Status OutputFile::commit()
{
    if (::fsync(m_fd) != 0)
        return failed(m_path, "write it to disk (fsync)", errno);
    if (::fchmod(m_fd, modeFor(m_path)) != 0)
        return failed(m_path, "set its mode", errno);
    if (m_temporary.empty())
        if (auto named = giveName(); !named)
            return named;
    if (::close(std::exchange(m_fd, -1)) != 0)
        return failed(m_path, "write it (close)", errno);
    if (::rename(m_temporary.c_str(), m_path.c_str()) != 0)
        return failed(m_path, "replace it", errno);
    m_temporary.clear();
    // The rename itself is durable only once the directory is.
    std::string directory = std::filesystem::path(m_path).parent_path().string();
    if (directory.empty())
        directory = ".";
    if (const int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}
