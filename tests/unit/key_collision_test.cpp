// SPDX-License-Identifier: BSD-3-Clause
// What tells that the objects under a key file's System V key are another key's: the identities
// segments record (here made up), and other key files in TMPDIR (a real scratch directory).
#include "protocol/key_collision.h"

#include "protocol/segment_attach.h"
#include "support/catch_compat.h"

#include <QTemporaryDir>

using namespace shmtools::detail;

namespace {

struct Scratch {
    QTemporaryDir dir;
    IpcNames names;
    IpcNames other;
    Scratch()
    {
        const std::string path = dir.path().toStdString();
        names = IpcNames{"unit-key", path + "/qipc_sharedmemory_unit", path + "/qipc_systemsem_unit", path};
        other = IpcNames{"other-key", path + "/qipc_sharedmemory_other", path + "/qipc_systemsem_other", path};
    }
};

// A file identity that ftok() cannot tell from `id`: the same low 16 bits of the inode.
layout::FileId aliasOf(const FileIdentity &id)
{
    return {id.device, id.inode + 0x10000};
}

} // namespace

TEST_CASE("a segment records another key when the key or the TMPDIR differs", "[key_collision]")
{
    Scratch s;
    CHECK_FALSE(recordsAnotherKey(keyIdentityOf(s.names, {1, 2}, {1, 3}), s.names));
    CHECK(recordsAnotherKey(keyIdentityOf(s.other, {1, 2}, {1, 3}), s.names));
    IpcNames elsewhere = s.names;
    elsewhere.tempDir = "/elsewhere";
    CHECK(recordsAnotherKey(keyIdentityOf(elsewhere, {1, 2}, {1, 3}), s.names));
}

TEST_CASE("another key's segment recording a different file under the same System V key is a collision",
          "[key_collision]")
{
    Scratch s;
    const auto file = ensureKeyFile(s.names.segmentKeyFile, s.names, "segment");
    REQUIRE(file);
    const auto semaphoreFile = ensureKeyFile(s.names.semaphoreKeyFile, s.names, "semaphore");
    REQUIRE(semaphoreFile);
    const layout::KeyIdentity others = keyIdentityOf(s.other, aliasOf(file->id), aliasOf(semaphoreFile->id));

    CHECK(anotherKeyUses(s.names, KeyFileKind::Segment, *file, {others}));
    CHECK(anotherKeyUses(s.names, KeyFileKind::Semaphore, *semaphoreFile, {others}));
    SECTION("nothing recorded and no other key file in TMPDIR: no collision")
    {
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Segment, *file, {}));
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Semaphore, *semaphoreFile, {}));
    }
    SECTION("the same file recorded by another path's holder (a bind mount) is this key's")
    {
        IpcNames elsewhere = s.names;
        elsewhere.tempDir = "/bind/mounted";
        const layout::KeyIdentity sameFile = keyIdentityOf(elsewhere, file->id, semaphoreFile->id);
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Segment, *file, {sameFile}));
    }
    SECTION("a segment of this key made through this file (an orphan) wins over any alias")
    {
        const layout::KeyIdentity own = keyIdentityOf(s.names, file->id, semaphoreFile->id);
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Segment, *file, {others, own}));
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Semaphore, *semaphoreFile, {own, others}));
    }
    SECTION("another key's file under another System V key is no collision")
    {
        const layout::KeyIdentity apart =
            keyIdentityOf(s.other, {file->id.device, file->id.inode + 1}, {file->id.device, file->id.inode + 2});
        CHECK_FALSE(anotherKeyUses(s.names, KeyFileKind::Segment, *file, {apart}));
    }
}
