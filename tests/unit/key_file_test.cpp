// SPDX-License-Identifier: BSD-3-Clause
#include "sys/key_file.h"

#include "support/catch_compat.h"
#include "sys/ipc_names.h"
#include <QDir>
#include <QTemporaryDir>
#include <climits>
#include <fstream>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;

namespace {

struct Scratch {
    QTemporaryDir dir;
    IpcNames names;
    Scratch()
    {
        const std::string path = dir.path().toStdString();
        names = IpcNames{"unit-key", path + "/qipc_sharedmemory_unit", path + "/qipc_systemsem_unit", path};
    }
};

ino_t inodeOf(const std::string &path)
{
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

} // namespace

TEST_CASE("the key computed from the opened file is what ftok(file, 'Q') gives", "[key_file]")
{
    Scratch scratch;
    const auto made = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
    REQUIRE(made.ok());
    CHECK(made->key == ::ftok(scratch.names.segmentKeyFile.c_str(), 'Q'));
    CHECK(made->id.inode == inodeOf(scratch.names.segmentKeyFile));
}

TEST_CASE("a FIFO as a key file is refused at once as unsafe, naming it", "[key_file]")
{
    Scratch scratch;
    REQUIRE(::mkfifo(scratch.names.semaphoreKeyFile.c_str(), 0600) == 0);
    for (const bool create : {false, true}) {
        const auto found = create ? ensureKeyFile(scratch.names.semaphoreKeyFile, scratch.names, "semaphore")
                                  : keyFileAt(scratch.names.semaphoreKeyFile, scratch.names, "semaphore");
        REQUIRE_FALSE(found.ok());
        CHECK(found.error().code == ErrorCode::Unsafe);
        CHECK_THAT(found.error().message, Catch::Matchers::ContainsSubstring(scratch.names.semaphoreKeyFile) &&
                                              Catch::Matchers::ContainsSubstring("FIFO"));
    }
}

TEST_CASE("a key file that was made says so, one that existed does not", "[key_file]")
{
    Scratch scratch;
    bool created = false;
    REQUIRE(ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment", &created).ok());
    CHECK(created);
    REQUIRE(ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment", &created).ok());
    CHECK_FALSE(created);
}

TEST_CASE("an anchored key file comes back under its inode after removal or replacement", "[key_file]")
{
    Scratch scratch;
    const std::string &path = scratch.names.segmentKeyFile;
    const auto made = ensureKeyFile(path, scratch.names, "segment");
    REQUIRE(made.ok());
    const std::string anchor = anchorPathFor(path);
    CHECK(anchor.find("/.qipc_sharedmemory_unit") != std::string::npos);
    REQUIRE(makeAnchor(path, made->id, anchor, scratch.names).ok());
    CHECK(inodeOf(anchor) == made->id.inode);
    std::string problem;
    const auto nothingThere = [](key_t) { return true; };
    const auto inUse = [](key_t) { return false; };

    SECTION("present: nothing to do")
    {
        CHECK(restoreFromAnchor(path, made->id, anchor, nothingThere, problem) == KeyFileRepair::Present);
    }
    SECTION("removed: linked back")
    {
        REQUIRE(::unlink(path.c_str()) == 0);
        CHECK(restoreFromAnchor(path, made->id, anchor, nothingThere, problem) == KeyFileRepair::Restored);
        CHECK(inodeOf(path) == made->id.inode);
    }
    SECTION("replaced by a new file of ours: swapped back only while nothing lives under its key")
    {
        REQUIRE(::unlink(path.c_str()) == 0);
        std::ofstream(path).put('\n');
        const ino_t stray = inodeOf(path);
        CHECK(restoreFromAnchor(path, made->id, anchor, inUse, problem) == KeyFileRepair::Failed);
        CHECK(inodeOf(path) == stray);
        CHECK(restoreFromAnchor(path, made->id, anchor, nothingThere, problem) == KeyFileRepair::Replaced);
        CHECK(inodeOf(path) == made->id.inode);
    }
    SECTION("the anchor gone too: cannot be restored, and says why")
    {
        REQUIRE(::unlink(path.c_str()) == 0);
        REQUIRE(::unlink(anchor.c_str()) == 0);
        CHECK(restoreFromAnchor(path, made->id, anchor, nothingThere, problem) == KeyFileRepair::Failed);
        CHECK_THAT(problem, Catch::Matchers::ContainsSubstring("anchor"));
    }
    removeKeyFileIf(anchor, made->id);
    CHECK(inodeOf(anchor) == 0);
}

TEST_CASE("the anchor of the longest key Qt takes fits in a name, with room for its restoring name", "[key_file]")
{
    auto anchorNameOf = [](const std::string &key) {
        const auto names = ipcNamesFor(key);
        REQUIRE(names.ok());
        const std::string anchor = anchorPathFor(names->segmentKeyFile);
        return anchor.substr(anchor.find_last_of('/') + 1);
    };
    // 197 letters: Qt's key file name qipc_sharedmemory_ + letters + SHA-1 is NAME_MAX bytes.
    const std::string longest(197, 'k');
    const std::string anchor = anchorNameOf(longest);
    CHECK(anchor.size() + std::string(".restoring").size() <= NAME_MAX);
    CHECK(anchor.front() == '.');
    CHECK(anchor.find("qipc_sharedmemory_kkk") == 1);
    // Keys that share their first letters keep anchors of their own (the SHA-1 stays).
    CHECK(anchorNameOf(longest.substr(0, 196) + "j") != anchor);
    CHECK(anchorNameOf(longest.substr(0, 196)) != anchor);
    // A short key's anchor is its key file's name between a dot and .shm-tools-anchor, as before.
    const auto shortNames = ipcNamesFor("short");
    REQUIRE(shortNames.ok());
    const std::string base = shortNames->segmentKeyFile.substr(shortNames->segmentKeyFile.find_last_of('/') + 1);
    CHECK(anchorNameOf("short") == "." + base + ".shm-tools-anchor");
}

TEST_CASE("a replaced key file is a new inode in its place, the old one gone, nothing else left", "[key_file]")
{
    Scratch scratch;
    const auto old = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
    REQUIRE(old.ok());
    bool created = false;
    const auto fresh = replaceKeyFile(scratch.names.segmentKeyFile, old->id, scratch.names, "segment", &created);
    REQUIRE(fresh.ok());
    CHECK(created);
    CHECK(fresh->id.inode != old->id.inode);
    CHECK(fresh->id.inode == inodeOf(scratch.names.segmentKeyFile));
    CHECK(fresh->key == ::ftok(scratch.names.segmentKeyFile.c_str(), 'Q'));
    struct stat info {};
    REQUIRE(::lstat(scratch.names.segmentKeyFile.c_str(), &info) == 0);
    CHECK(info.st_nlink == 1);
    CHECK(QDir(scratch.dir.path()).entryList(QDir::Files | QDir::Hidden).size() == 1);

    SECTION("a file someone else put there meanwhile is kept, and not reported as made")
    {
        // `old` is no longer at the path: the file there now is not replaced, and is returned.
        const auto again = replaceKeyFile(scratch.names.segmentKeyFile, old->id, scratch.names, "segment", &created);
        REQUIRE(again.ok());
        CHECK_FALSE(created);
        CHECK(again->id.inode == fresh->id.inode);
    }
}
