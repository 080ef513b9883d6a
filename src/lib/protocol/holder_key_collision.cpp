// SPDX-License-Identifier: BSD-3-Clause
// Holder::clearOfOtherKeys: a start whose key file shares its System V key with another key's
// segment or semaphore (ftok keeps 16 bits of the inode and 8 of the device, so busy TMPDIRs
// meet such files) puts a new key file in its place instead of refusing the key for good.
#include "protocol/holder.h"

#include "protocol/segment_attach.h"

namespace shmtools::detail {

namespace {

// Beyond this many new files the collisions are no accident: what follows refuses the key.
constexpr int kReplacements = 4;

} // namespace

// Another key's segment (or this key's under another TMPDIR) that records a different key file
// under the same System V key as `file`. The key file itself reached under another path (a bind
// mount, a renamed TMPDIR) is the same file, never a collision.
bool Holder::usedByAnotherKey(const KeyFile &file, bool semaphore)
{
    const layout::KeyIdentity own = keyIdentityOf(m_names, {}, {});
    for (const layout::KeyIdentity &identity : m_system->recordedIdentities()) {
        const layout::FileId &recorded = semaphore ? identity.semaphoreKeyFile : identity.segmentKeyFile;
        const bool otherKey = identity.keyHash != own.keyHash || identity.tempDirHash != own.tempDirHash;
        const bool otherFile = recorded.device != file.id.device || recorded.inode != file.id.inode;
        if (otherKey && otherFile && qtKeyOf(recorded.device, recorded.inode) == file.key)
            return true;
    }
    return false;
}

// A semaphore under a semaphore key file this start just made is nobody's of this key: no start
// of it can have used the file before. A racing start of the key that made the file itself, or
// found it first, keeps the semaphore: it is not replaced then.
Result<KeyFile> Holder::clearOfOtherKeys(const std::string &path, const KeyFile &file, bool semaphore,
                                         bool mayReplace, bool *made)
{
    KeyFile current = file;
    for (int replaced = 0; replaced < kReplacements && (*made || mayReplace); ++replaced) {
        const bool taken =
            usedByAnotherKey(current, semaphore) || (semaphore && *made && m_system->semaphoreExists(current.key));
        if (!taken)
            break;
        bool created = false;
        auto fresh = replaceKeyFile(path, current.id, m_names, semaphore ? "semaphore" : "segment", &created);
        if (!fresh)
            // Not replaced (no O_TMPFILE here): the file as it was, whose collision is refused
            // later as before; gone meanwhile, the failure.
            return isSameFile(path, current.id) ? Result<KeyFile>(current) : fresh;
        current = *fresh;
        *made = created;
        if (!created)
            break; // a racing start's key file, made meanwhile: it is that start's to judge
    }
    return current;
}

} // namespace shmtools::detail
