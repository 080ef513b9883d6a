// SPDX-License-Identifier: BSD-3-Clause
#include "sys/key_file.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {

// restoreFromAnchor links the anchor under its own name with this added, then renames it.
constexpr std::string_view restoringSuffix = ".restoring";

FileIdentity idOf(const struct stat &info)
{
    return {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
}

// The name of user `uid`, or "uid N" where none is known.
std::string userName(uid_t uid)
{
    struct passwd entry {};
    struct passwd *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

// "user NAME, uid N" (or "uid N"): who owns a file in the way.
std::string ownerText(uid_t uid)
{
    const std::string name = userName(uid);
    const std::string number = "uid " + std::to_string(uid);
    return name == number ? number : "user " + name + ", " + number;
}

// Another user's key file or anchor may be that user's live segment: removing it would cut its
// holder off (so not advised); its owner may remove it, stopping the holder first.
std::string anotherUsersRemedy(uid_t uid)
{
    return "it may be another user's live segment: use another key, or have its owner (" + userName(uid) +
           ") remove it, which stops its holder first";
}

Error notOurs(const IpcNames &names, const std::string &file, const struct stat &info)
{
    const char *kind = S_ISREG(info.st_mode)    ? "a regular file"
                       : S_ISFIFO(info.st_mode) ? "a FIFO"
                       : S_ISLNK(info.st_mode)  ? "a symlink"
                       : S_ISDIR(info.st_mode)  ? "a directory"
                       : S_ISSOCK(info.st_mode) ? "a socket"
                                                : "a device";
    const std::string remedy = S_ISREG(info.st_mode) && info.st_uid != ::geteuid() ? anotherUsersRemedy(info.st_uid)
                                                                                   : "remove it or use another key";
    return makeError(ErrorCode::Unsafe, names.key + ": refusing: key file " + file +
                                           " is not a regular file owned by you (" + kind + " of " +
                                           ownerText(info.st_uid) + "); " + remedy);
}

// What a failed creat() or open() in TMPDIR means to the user.
std::string tempDirCause(int error, const IpcNames &names)
{
    switch (error) {
    case ENOSPC: return "ENOSPC: the file system of TMPDIR (" + names.tempDir + ") is full; free space there";
    case EDQUOT: return "EDQUOT: your disk quota on TMPDIR (" + names.tempDir + ") is used up; free space there";
    case EROFS: return "EROFS: TMPDIR (" + names.tempDir + ") is on a read-only file system; set TMPDIR to a writable directory";
    case EACCES:
    case EPERM: return "EACCES: TMPDIR (" + names.tempDir + ") is not writable for you; set TMPDIR to a writable directory";
    case ENOENT:
    case ENOTDIR: return "ENOENT: TMPDIR (" + names.tempDir + ") does not exist; create it or set TMPDIR";
    default: return std::string(std::strerror(error)) + "; check that TMPDIR (" + names.tempDir + ") is writable";
    }
}

} // namespace

key_t qtKeyOf(std::uint64_t device, std::uint64_t inode)
{
    return static_cast<key_t>((inode & 0xffff) | ((device & 0xff) << 16) | (std::uint64_t('Q') << 24));
}

std::optional<std::string> segmentKeyFileWithKey(const std::string &dir, key_t key)
{
    DIR *entries = ::opendir(dir.c_str());
    if (!entries)
        return std::nullopt;
    std::optional<std::string> found;
    while (const dirent *entry = ::readdir(entries)) {
        if (std::strncmp(entry->d_name, "qipc_sharedmemory_", 18) != 0)
            continue;
        const std::string path = dir + "/" + entry->d_name;
        if (const auto id = ownRegularFileAt(path); id && qtKeyOf(id->device, id->inode) == key) {
            found = path;
            break;
        }
    }
    ::closedir(entries);
    return found;
}

std::optional<std::string> otherKeyFileWithKey(const std::string &dir, const std::string &prefix, key_t key,
                                               const FileIdentity &except)
{
    DIR *entries = ::opendir(dir.c_str());
    if (!entries)
        return std::nullopt;
    std::optional<std::string> found;
    while (const dirent *entry = ::readdir(entries)) {
        if (std::strncmp(entry->d_name, prefix.c_str(), prefix.size()) != 0)
            continue;
        const std::string path = dir + "/" + entry->d_name;
        struct stat info {};
        if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
            continue;
        const FileIdentity id = idOf(info);
        if ((id.device != except.device || id.inode != except.inode) && qtKeyOf(id.device, id.inode) == key) {
            found = path;
            break;
        }
    }
    ::closedir(entries);
    return found;
}

bool isSameFile(const std::string &path, const FileIdentity &id)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && idOf(info).device == id.device && idOf(info).inode == id.inode;
}

std::optional<FileIdentity> ownRegularFileAt(const std::string &path)
{
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid())
        return std::nullopt;
    return idOf(info);
}

// Judged by lstat first, so that nothing but a regular file of ours is ever opened; then opened
// without blocking or following, and the file opened must be the one judged (a swap between the
// two is refused like the planted file it is).
Result<KeyFile> keyFileAt(const std::string &file, const IpcNames &names, const char *what)
{
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0) {
        if (errno == ENOENT)
            return makeError(ErrorCode::NoSegment,
                             names.key + ": no such segment (no " + what + " key file " + file + ")",
                             Remedy::StartHolder);
        return makeError(ErrorCode::Failure, names.key + ": " + file + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid())
        return notOurs(names, file, info);
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT)
            return makeError(ErrorCode::NoSegment,
                             names.key + ": no such segment (no " + what + " key file " + file + ")",
                             Remedy::StartHolder);
        if (error == ELOOP || error == ENXIO || error == EACCES || error == EPERM)
            return notOurs(names, file, info);
        if (error == EMFILE || error == ENFILE)
            return makeError(ErrorCode::Failure,
                             names.key + ": cannot open the " + what + " key file " + file +
                                 ": no file descriptor left (" + std::strerror(error) +
                                 (error == EMFILE ? ", RLIMIT_NOFILE reached" : ", system-wide limit") +
                                 "); raise the limit (ulimit -n) or close descriptors");
        return makeError(ErrorCode::Failure, names.key + ": " + file + ": " + std::strerror(error));
    }
    struct stat opened {};
    const bool statted = ::fstat(fd, &opened) == 0;
    ::close(fd);
    if (!statted)
        return makeError(ErrorCode::Failure, names.key + ": fstat " + file + ": " + std::strerror(errno));
    if (!S_ISREG(opened.st_mode) || opened.st_uid != ::geteuid() || opened.st_ino != info.st_ino ||
        opened.st_dev != info.st_dev)
        return notOurs(names, file, opened);
    return KeyFile{qtKeyOf(idOf(opened).device, idOf(opened).inode), idOf(opened)};
}

Result<KeyFile> ensureKeyFile(const std::string &file, const IpcNames &names, const char *what, bool *created)
{
    if (created)
        *created = false;
    // O_EXCL: never opens what is there (a FIFO would block a plain O_CREAT open for writing);
    // what exists is judged by keyFileAt.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640);
    if (fd >= 0) {
        ::close(fd);
        if (created)
            *created = true;
    } else if (errno != EEXIST) {
        const int error = errno;
        struct stat existing {};
        // Something there that we may not open (another user's file in a sticky TMPDIR under
        // fs.protected_regular) is judged by keyFileAt; only a missing file is a failure to make one.
        if (::lstat(file.c_str(), &existing) != 0)
            return makeError(ErrorCode::Failure,
                             names.key + ": cannot create the key file " + file + " (" + tempDirCause(error, names) + ")");
    }
    auto keyFile = keyFileAt(file, names, what);
    if (!keyFile && created && *created) {
        ::unlink(file.c_str());
        *created = false;
    }
    return keyFile;
}

Result<KeyFile> replaceKeyFile(const std::string &path, const FileIdentity &rejected, const IpcNames &names,
                               const char *what, bool *created)
{
    *created = false;
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
    if (fd < 0)
        return makeError(ErrorCode::Failure, names.key + ": cannot make a new " + what + " key file in " + dir + " (" +
                                                 tempDirCause(errno, names) + ")");
    // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc link to the descriptor does not.
    const std::string unnamed = "/proc/self/fd/" + std::to_string(fd);
    if (::access(unnamed.c_str(), F_OK) != 0) {
        ::close(fd);
        return makeError(ErrorCode::Failure, names.key + ": cannot make a new " + what + " key file (/proc is not "
                                                 "mounted here)");
    }
    if (isSameFile(path, rejected))
        ::unlink(path.c_str());
    const bool linked = ::linkat(AT_FDCWD, unnamed.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0;
    const int error = errno;
    ::close(fd);
    if (!linked && error != EEXIST)
        return makeError(ErrorCode::Failure, names.key + ": cannot link a new " + what + " key file as " + path +
                                                 " (" + tempDirCause(error, names) + ")");
    auto keyFile = keyFileAt(path, names, what);
    *created = linked && keyFile;
    return keyFile;
}

void removeKeyFileIf(const std::string &path, const FileIdentity &id)
{
    if (isSameFile(path, id))
        ::unlink(path.c_str());
}

KeyFileRemoval removeKeyFileReporting(const std::string &path, const FileIdentity &id)
{
    using Outcome = KeyFileRemoval::Outcome;
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0)
        return {errno == ENOENT ? Outcome::Absent : Outcome::Failed, errno == ENOENT ? 0 : errno, {}};
    if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid()) {
        const char *what = S_ISFIFO(info.st_mode)   ? "a FIFO"
                           : S_ISDIR(info.st_mode)  ? "a directory"
                           : S_ISLNK(info.st_mode)  ? "a symbolic link"
                           : S_ISSOCK(info.st_mode) ? "a socket"
                           : !S_ISREG(info.st_mode) ? "a device"
                                                    : "another user's file";
        return {Outcome::Foreign, 0, what};
    }
    if (static_cast<std::uint64_t>(info.st_dev) != id.device || static_cast<std::uint64_t>(info.st_ino) != id.inode)
        return {Outcome::Replaced, 0, {}};
    if (::unlink(path.c_str()) != 0)
        return {errno == ENOENT ? Outcome::Absent : Outcome::Failed, errno == ENOENT ? 0 : errno, {}};
    return {Outcome::Removed, 0, {}};
}

std::string anchorPathFor(const std::string &path)
{
    constexpr std::string_view suffix = ".shm-tools-anchor";
    // Qt ends every key file name with the SHA-1 of the key, 40 hex digits.
    constexpr std::size_t keyHashLength = 40;
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    // Qt takes key file names up to NAME_MAX bytes; the anchor's name, and the temporary name
    // restoreFromAnchor makes from it, must fit too. Where they would not, the middle of the
    // key's letters is left out: the SHA-1 at the end still tells the keys apart.
    constexpr std::size_t longestName = NAME_MAX - restoringSuffix.size();
    if (1 + base.size() + suffix.size() > longestName && base.size() > keyHashLength) {
        const std::size_t head = longestName - 1 - suffix.size() - keyHashLength;
        base = base.substr(0, head) + base.substr(base.size() - keyHashLength);
    }
    return dir + "/." + base + std::string(suffix);
}

Status checkAnchorPlace(const std::string &anchor, const IpcNames &names)
{
    struct stat info {};
    if (::lstat(anchor.c_str(), &info) != 0)
        return {};
    if (info.st_uid != ::geteuid())
        return makeError(ErrorCode::Unsafe, names.key + ": refusing: " + anchor + " (where the holder keeps a second "
                                               "link to its key file) belongs to another user (" +
                                               ownerText(info.st_uid) + "); " + anotherUsersRemedy(info.st_uid));
    if (S_ISDIR(info.st_mode))
        return makeError(ErrorCode::Unsafe, names.key + ": refusing: " + anchor + " (where the holder keeps a second "
                                               "link to its key file) is a directory; remove it, or use another key");
    return {};
}

Status makeAnchor(const std::string &path, const FileIdentity &id, const std::string &anchor, const IpcNames &names)
{
    if (isSameFile(anchor, id))
        return {};
    if (auto place = checkAnchorPlace(anchor, names); !place)
        return place;
    // Linked under its own name, never through a temporary name that a process killed in
    // between would leave behind. What is there already is ours and no directory (checked
    // above): an anchor of a key file that is gone, replaced.
    if (::link(path.c_str(), anchor.c_str()) != 0) {
        int error = errno;
        if (error == EEXIST && !isSameFile(anchor, id)) {
            if (::unlink(anchor.c_str()) != 0 && errno != ENOENT) {
                error = errno;
                return makeError(error == EPERM || error == EACCES ? ErrorCode::Unsafe : ErrorCode::Failure,
                                 names.key + ": cannot put the anchor " + anchor + " in place (" +
                                     std::strerror(error) + "); remove what is there");
            }
            error = ::link(path.c_str(), anchor.c_str()) == 0 ? 0 : errno;
        } else if (error == EEXIST) {
            error = 0; // a racing start of the same key file made it
        }
        if (error != 0)
            return makeError(ErrorCode::Failure, names.key + ": cannot link " + path + " as " + anchor + " (" +
                                                    tempDirCause(error, names) + ")");
    }
    if (!isSameFile(anchor, id)) { // the key file was swapped between the check and link()
        ::unlink(anchor.c_str());
        return makeError(ErrorCode::Failure, names.key + ": the key file " + path + " changed while linking it");
    }
    return {};
}

KeyFileRepair restoreFromAnchor(const std::string &path, const FileIdentity &id, const std::string &anchor,
                                const std::function<bool(key_t)> &replaceable, std::string &problem)
{
    struct stat info {};
    const bool present = ::lstat(path.c_str(), &info) == 0;
    if (present && idOf(info).device == id.device && idOf(info).inode == id.inode)
        return KeyFileRepair::Present;
    if (!isSameFile(anchor, id)) {
        problem = "its anchor " + anchor + " is gone as well";
        return KeyFileRepair::Failed;
    }
    if (!present) {
        if (::link(anchor.c_str(), path.c_str()) == 0)
            return KeyFileRepair::Restored;
        problem = std::string("link: ") + std::strerror(errno);
        return KeyFileRepair::Failed;
    }
    if (!S_ISREG(info.st_mode) || info.st_uid != ::geteuid()) {
        problem = "something that is not a regular file of yours is in its place";
        return KeyFileRepair::Failed;
    }
    if (!replaceable(qtKeyOf(idOf(info).device, idOf(info).inode))) {
        problem = "another key file is in its place, and objects live under its key";
        return KeyFileRepair::Failed;
    }
    // A second link under a temporary name, renamed over the stray file: the key file is never
    // missing for a racing reader.
    const std::string temporary = anchor + std::string(restoringSuffix);
    ::unlink(temporary.c_str());
    if (::link(anchor.c_str(), temporary.c_str()) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
        problem = std::string("link/rename: ") + std::strerror(errno);
        ::unlink(temporary.c_str());
        return KeyFileRepair::Failed;
    }
    return KeyFileRepair::Replaced;
}

void touchFile(const std::string &path)
{
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
}

} // namespace shmtools::detail
