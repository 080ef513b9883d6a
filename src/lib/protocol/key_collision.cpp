// SPDX-License-Identifier: BSD-3-Clause
#include "protocol/key_collision.h"

#include "protocol/segment_attach.h"

namespace shmtools::detail {

bool recordsAnotherKey(const layout::KeyIdentity &recorded, const IpcNames &names)
{
    const layout::KeyIdentity own = keyIdentityOf(names, {}, {});
    return recorded.keyHash != own.keyHash || recorded.tempDirHash != own.tempDirHash;
}

bool anotherKeyUses(const IpcNames &names, KeyFileKind kind, const KeyFile &file,
                    const std::vector<layout::KeyIdentity> &recorded)
{
    const bool semaphore = kind == KeyFileKind::Semaphore;
    const auto fileOf = [&](const layout::KeyIdentity &identity) {
        return semaphore ? identity.semaphoreKeyFile : identity.segmentKeyFile;
    };
    const auto isFile = [&](const layout::FileId &id) {
        return id.device == file.id.device && id.inode == file.id.inode;
    };
    // A segment of this key made through this very file (an orphan to adopt, a running holder):
    // whatever else in TMPDIR has the same System V key, the objects under it are this key's.
    for (const layout::KeyIdentity &identity : recorded)
        if (!recordsAnotherKey(identity, names) && isFile(fileOf(identity)))
            return false;
    for (const layout::KeyIdentity &identity : recorded) {
        const layout::FileId other = fileOf(identity);
        if (!isFile(other) && recordsAnotherKey(identity, names) && qtKeyOf(other.device, other.inode) == file.key)
            return true;
    }
    return otherKeyFileWithKey(names.tempDir, semaphore ? "qipc_systemsem_" : "qipc_sharedmemory_", file.key,
                               file.id)
        .has_value();
}

} // namespace shmtools::detail
