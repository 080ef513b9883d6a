// SPDX-License-Identifier: BSD-3-Clause
// Holder::clearOfOtherKeys: a start whose key file shares its System V key with another key's
// segment or semaphore (ftok keeps 16 bits of the inode and 8 of the device, so busy TMPDIRs
// meet such files) puts a new key file in its place instead of refusing the key for good.
#include "protocol/holder.h"

#include "protocol/key_collision.h"

namespace shmtools::detail {

namespace {

// Beyond this many new files the collisions are no accident: what follows refuses the key.
constexpr int kReplacements = 4;

} // namespace

// Only evidence replaces a key file: a semaphore already under a semaphore key file this start
// just made may be a Qt program's of this very key, which found the file a moment ago.
Result<KeyFile> Holder::clearOfOtherKeys(const std::string &path, const KeyFile &file, bool semaphore,
                                         bool mayReplace, bool *made)
{
    KeyFile current = file;
    for (int replaced = 0; replaced < kReplacements && (*made || mayReplace); ++replaced) {
        // Nothing under the key, nothing in the way (and no list of segments to read: a start
        // racing a Qt program's create() loop needs its few milliseconds).
        const bool used = semaphore ? m_system->semaphoreExists(current.key) : m_system->segmentExists(current.key);
        if (!used || !anotherKeyUses(m_names, semaphore ? KeyFileKind::Semaphore : KeyFileKind::Segment, current,
                                     m_system->recordedIdentities()))
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
