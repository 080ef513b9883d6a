// SPDX-License-Identifier: BSD-3-Clause
// Holder::clearOfOtherKeys: a start whose key file shares its System V key with another key's
// segment or semaphore (ftok keeps 16 bits of the inode and 8 of the device, so busy TMPDIRs
// meet such files) puts a new key file in its place instead of refusing the key for good.
#include "protocol/holder.h"

#include "protocol/holder_anchors.h"
#include "protocol/key_collision.h"

namespace shmtools::detail {

namespace {

// Beyond this many new files the collisions are no accident: what follows refuses the key.
constexpr int kReplacements = 4;

} // namespace

bool Holder::segmentKeyFileMeetsAnotherKey()
{
    const auto keyFile = keyFileAt(m_names.segmentKeyFile, m_names, "segment");
    return keyFile && !liveHolderMark(m_names.segmentKeyFile, keyFile->id) && m_system->segmentExists(keyFile->key) &&
           anotherKeyUses(m_names, KeyFileKind::Segment, *keyFile, m_system->recordedIdentities());
}

// Only evidence replaces a key file: a semaphore already under a semaphore key file this start
// just made may be a Qt program's of this very key, which found the file a moment ago.
Result<KeyFile> Holder::clearOfOtherKeys(const std::string &path, const KeyFile &file, bool semaphore,
                                         bool mayReplace, bool *made)
{
    KeyFile current = file;
    for (int replaced = 0; replaced < kReplacements && (*made || mayReplace); ++replaced) {
        // Only with something under the key are the segments' headers read (a start racing a
        // Qt program's create() loop needs its few milliseconds); without, another key file in
        // TMPDIR under the same System V key alone tells (a start of that key racing this one).
        const KeyFileKind kind = semaphore ? KeyFileKind::Semaphore : KeyFileKind::Segment;
        const bool used = semaphore ? m_system->semaphoreExists(current.key) : m_system->segmentExists(current.key);
        if (!anotherKeyUses(m_names, kind, current, used ? m_system->recordedIdentities()
                                                         : std::vector<layout::KeyIdentity>{}))
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
