// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Qt's key files: the files whose identity (ftok(file, 'Q')) is a key's System V key. A key file
// decides which objects we reach, so anything planted there (a symlink, a FIFO, another user's
// file) is refused before it is opened in a way that could block or redirect us.

#include "sys/ipc_names.h"
#include "base/error.h"
#include "base/file_identity.h"

#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>

namespace shmtools::detail {

/// A key file's SysV key and what identifies the file itself.
struct KeyFile {
    key_t key = -1;
    FileIdentity id{};
};
/// The key file `path` (`what`: "segment" or "semaphore"), opened without blocking and without
/// following a symlink (O_NONBLOCK|O_NOFOLLOW), its key computed from the file opened (as ftok
/// computes it). NoSegment if it does not exist; Unsafe, naming it, unless it is a regular file
/// owned by us (a FIFO is refused at once, never opened for reading); Failure otherwise.
Result<KeyFile> keyFileAt(const std::string &path, const IpcNames &names, const char *what);
/// Creates the key file `path` (mode 0640, as Qt does) unless it exists, then checks it as
/// keyFileAt does. Failure naming the cause (ENOSPC: TMPDIR full, EROFS: read-only, EACCES: not
/// writable) if it cannot be created; `created` (if given) says whether this call made it.
Result<KeyFile> ensureKeyFile(const std::string &path, const IpcNames &names, const char *what,
                              bool *created = nullptr);
/// Puts a new, empty key file at `path` in place of the file `rejected` (whose System V key
/// another key's objects use: an ftok collision), and checks it as keyFileAt does. The new file
/// is made unnamed (O_TMPFILE) while `rejected` still exists, so its inode, and with it almost
/// always its System V key, differs; then `rejected` is unlinked and the new file linked in its
/// place. A start killed in between leaves no stray file: at worst no key file, which the next
/// start makes. If something else is at `path` by then (a racing start made a key file), that
/// one is kept and returned, and `*created` is false. Failure naming the cause if the new file
/// cannot be made (a file system without O_TMPFILE, /proc not mounted, TMPDIR full).
Result<KeyFile> replaceKeyFile(const std::string &path, const FileIdentity &rejected, const IpcNames &names,
                               const char *what, bool *created);
/// ftok(file, 'Q') from a file's device and inode: what glibc computes (8 bits of the device,
/// 16 of the inode), here without a second lookup of the path.
key_t qtKeyOf(std::uint64_t device, std::uint64_t inode);

/// Removes the key file `path` if it is still the file `id` (a file someone else put there
/// meanwhile is theirs). Best effort.
void removeKeyFileIf(const std::string &path, const FileIdentity &id);
/// What removeKeyFileReporting found at a key file's path and did.
struct KeyFileRemoval {
    enum class Outcome {
        Absent,   ///< nothing there (or removed meanwhile)
        Removed,  ///< it was the file `id` and is removed now
        Failed,   ///< it is the file `id`, but unlink() failed with `error`
        Replaced, ///< a regular file of ours, but not the file `id` (someone made it anew): left alone
        Foreign,  ///< something else is there (`what`: a FIFO, a directory, another user's file): left alone
    };
    Outcome outcome = Outcome::Absent;
    int error = 0;
    std::string what;
};
/// Removes the key file `path` if it is the file `id`, and says what it found and why it could
/// not remove it (EROFS, EPERM for an immutable directory, EACCES). Never follows a symlink.
KeyFileRemoval removeKeyFileReporting(const std::string &path, const FileIdentity &id);
/// The segment key file (qipc_sharedmemory_*, a regular file of ours) in the directory `dir`
/// whose System V key is `key`; nullopt if none is (or `dir` cannot be read). Its name carries
/// the key it was made for, as Qt derives it.
std::optional<std::string> segmentKeyFileWithKey(const std::string &dir, key_t key);
/// A regular file in the directory `dir` (of any user) whose name starts with `prefix` and whose
/// System V key is `key`, other than the file `except`; nullopt if none is (or `dir` cannot be
/// read): another key's key file under the same System V key (an ftok collision).
std::optional<std::string> otherKeyFileWithKey(const std::string &dir, const std::string &prefix, key_t key,
                                               const FileIdentity &except);
/// True if `path` is (lstat) the file `id`.
bool isSameFile(const std::string &path, const FileIdentity &id);
/// The identity of `path` (lstat) if it is a regular file of ours; nullopt otherwise (missing,
/// another user's, a symlink, a FIFO...).
std::optional<FileIdentity> ownRegularFileAt(const std::string &path);

/// Where a holder keeps its second hard link to the key file `path`: a hidden name beside it
/// (same directory, so the same file system), never a name Qt derives.
std::string anchorPathFor(const std::string &path);
/// Unsafe, naming it, if something a holder may not replace is at `anchor`: an entry of another
/// user, or a directory. Anything else of ours there (a stale anchor, a symlink or a FIFO
/// planted by a program of ours) makeAnchor replaces without following or opening it.
Status checkAnchorPlace(const std::string &anchor, const IpcNames &names);
/// Makes `anchor` a second hard link of the key file `path`, which must be the file `id`. The
/// link is made under a fresh temporary name (link() never follows or replaces what is there)
/// and renamed over `anchor`, which replaces an entry of ours there (a killed holder's stale
/// anchor, a planted symlink or FIFO) itself, never what it points to, and fails on another
/// user's entry in a sticky directory. While the anchor exists, the key file can be brought back
/// under the same inode, and so the same SysV key, after anyone removed it. Unsafe as
/// checkAnchorPlace; Failure naming the cause if the link cannot be made (then nothing can be
/// restored).
Status makeAnchor(const std::string &path, const FileIdentity &id, const std::string &anchor,
                  const IpcNames &names);
/// What restoreFromAnchor found and did.
enum class KeyFileRepair {
    Present,  ///< the key file is there and is the file `id`: nothing to do
    Restored, ///< it was missing: linked back from the anchor
    Replaced, ///< another file of ours had taken its place and `replaceable` allowed: swapped back
    Failed,   ///< it could not be restored (`problem` says why)
};
/// Restores the key file `path` as the file `id` from `anchor` (a hard link of it). A regular
/// file of ours found there instead is replaced (atomically, by rename) only if
/// `replaceable(its SysV key)` says nothing lives under that key.
KeyFileRepair restoreFromAnchor(const std::string &path, const FileIdentity &id, const std::string &anchor,
                                const std::function<bool(key_t)> &replaceable, std::string &problem);
/// Sets the times of the file `path` (not following a symlink) to now. Best effort.
void touchFile(const std::string &path);

} // namespace shmtools::detail
