// SPDX-License-Identifier: BSD-3-Clause
#include "output_file.h"

#include "shell_quote.h"
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

// Steps whose failure has a remedy of its own.
const std::string kCreateBeside = "create a temporary file beside it";
const std::string kWrite = "write it";

std::string directoryOf(const std::string &path);

Error failed(const std::string &path, const std::string &step, int error)
{
    if (error == EMFILE || error == ENFILE)
        return Error{ErrorCode::Failure, descriptorLimitText(path + ": cannot " + step, error)};
    std::string message = path + ": cannot " + step + " (" + std::strerror(error) + ")";
    if (step == kCreateBeside && (error == EACCES || error == EPERM || error == EROFS))
        return Error{ErrorCode::Failure, message + "; -o needs to create a file in " + directoryOf(path) +
                                             "; write through stdout instead: shm-read > " + shellQuote(path)};
    if (step == kWrite && (error == EACCES || error == EPERM || error == EROFS))
        return Error{ErrorCode::Failure, message + "; -o replaces only a file you may write; choose another file"};
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

// FILE's owner and group kept where we may (root may; an owner may keep a group it is in); where
// we may not, the new file is ours, as after `sed -i` (documented in shm-read(1)).
void keepOwner(int fd, const std::string &path)
{
    struct stat existing {};
    if (::stat(path.c_str(), &existing) != 0 || ::fchown(fd, existing.st_uid, existing.st_gid) == 0)
        return;
    [[maybe_unused]] const int groupKept = ::fchown(fd, static_cast<uid_t>(-1), existing.st_gid);
}

// What a mode is, in words, for a file -o will not replace.
const char *kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

// The file -o replaces: `typed` itself, or, for a symbolic link, the file it leads to (as
// `sort -o` and `sed -i --follow-symlinks` do: the link stays a link). The rename replaces a
// name whatever it is, so only a regular file (or a new name) may be the target: a directory,
// device or FIFO is a usage error (exit 2), written to through stdout instead.
shmtools::Result<std::string> replaceablePath(const std::string &typed)
{
    struct stat link {};
    if (::lstat(typed.c_str(), &link) != 0)
        return typed; // a new file (or a path whose trouble creating the file will name)
    std::string path = typed;
    std::string through; // " (a symbolic link to TARGET)"
    if (S_ISLNK(link.st_mode)) {
        std::error_code error;
        const std::filesystem::path target = std::filesystem::read_symlink(typed, error);
        through = " is a symbolic link to " + target.string() + ",";
        struct stat followed {};
        if (::stat(typed.c_str(), &followed) != 0) {
            const int cause = errno;
            if (cause == ENOENT)
                return Error{ErrorCode::Usage,
                             "-o: " + typed + through + " which does not exist (a dangling link); create it first, or name another file"};
            return failed(typed, "follow the symbolic link to " + target.string(), cause);
        }
        path = std::filesystem::canonical(typed, error).string();
        if (error)
            return failed(typed, "follow the symbolic link to " + target.string(), error.value());
        link = followed;
    }
    if (S_ISDIR(link.st_mode))
        return Error{ErrorCode::Usage,
                     "-o: " + typed + (through.empty() ? " is" : through) + " a directory; name a file in it"};
    if (!S_ISREG(link.st_mode))
        return Error{ErrorCode::Usage, "-o: " + typed + (through.empty() ? " is" : through) + " " +
                                           kindOf(link.st_mode) +
                                           ", which -o does not replace; write to it through stdout instead: "
                                           "shm-read > " + shellQuote(typed)};
    return path;
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

shmtools::Result<OutputFile> OutputFile::create(const std::string &typed)
{
    if (typed.empty() || !std::filesystem::path(typed).has_filename())
        return Error{ErrorCode::Usage, "-o: '" + typed + "' names no file"};
    auto resolved = replaceablePath(typed);
    if (!resolved)
        return resolved.error();
    const std::string &path = *resolved;
    // The rename would replace a file we may not write (in a directory open to all, without
    // the sticky bit, anyone may rename over anyone's file): refused as `sort -o` and `>` are.
    if (::access(path.c_str(), F_OK) == 0 && ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0)
        return failed(path, kWrite, errno);
    // Unnamed until commit: nothing to leave behind if we are killed while writing.
    if (const int fd = ::open(directoryOf(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600); fd >= 0)
        return OutputFile(path, std::string(), fd);
    else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return failed(path, kCreateBeside, errno);
    const std::filesystem::path target(path);
    std::string temporary =
        (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0)
        return failed(path, kCreateBeside, errno);
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
    keepOwner(m_fd, m_path); // before the mode: a change of owner clears set-user-ID bits
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
