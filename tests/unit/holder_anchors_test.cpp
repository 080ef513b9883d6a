// SPDX-License-Identifier: BSD-3-Clause
// A running holder found through its anchors (protocol/holder_anchors): real key files and
// anchors in a scratch directory, the holder's mark an OFD lock taken here (a second open file
// description is a rival participant, as another process would be) or by a child process.
#include "protocol/holder_anchors.h"

#include "sys/key_file.h"
#include "sys/participant_lock.h"

#include "unit_support.h"

#include <fstream>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;
using unit::ChildProcess;
using unit::ScratchKey;

namespace {

/// Both key files of a scratch key, anchored as a holder anchors them (Holder::anchorKeyFiles).
struct Anchored {
    ScratchKey scratch;
    const IpcNames &names = scratch.names;
    FileIdentity segment{};
    FileIdentity semaphore{};
    Anchored()
    {
        auto segmentFile = ensureKeyFile(names.segmentKeyFile, names, "segment");
        auto semaphoreFile = ensureKeyFile(names.semaphoreKeyFile, names, "semaphore");
        REQUIRE(segmentFile);
        REQUIRE(semaphoreFile);
        segment = segmentFile->id;
        semaphore = semaphoreFile->id;
        REQUIRE(makeAnchor(names.segmentKeyFile, segment, anchorPathFor(names.segmentKeyFile), names));
        REQUIRE(makeAnchor(names.semaphoreKeyFile, semaphore, anchorPathFor(names.semaphoreKeyFile), names));
    }
    /// A participant on the segment key file marked as its holder (raw: a raw holder's mark).
    ParticipantLock markedHolder(bool raw = false) const
    {
        auto lock = ParticipantLock::take(names.segmentKeyFile, segment, names.key);
        REQUIRE(lock);
        REQUIRE(lock->markHolder(raw));
        return std::move(*lock);
    }
};

bool same(const FileIdentity &a, const FileIdentity &b)
{
    return a.device == b.device && a.inode == b.inode;
}

/// Puts a new file of ours at `path`, in place of whatever was there.
void replaceWithNewFile(const std::string &path)
{
    REQUIRE(::unlink(path.c_str()) == 0);
    std::ofstream(path).put('\n');
    REQUIRE(::access(path.c_str(), F_OK) == 0);
}

} // namespace

TEST_CASE("anchors: key files without anchors, or anchors nobody marked, are no running holder", "[holder_anchors]")
{
    SECTION("no anchors at all")
    {
        ScratchKey scratch;
        REQUIRE(ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment"));
        CHECK_FALSE(runningHolderAnchors(scratch.names));
        CHECK_FALSE(keyFilesUnderRepair(scratch.names));
    }
    SECTION("anchors with a participant but no holder's mark, the key file removed: nothing is repaired")
    {
        Anchored anchored;
        const ParticipantLock participant = [&] {
            auto lock = ParticipantLock::take(anchored.names.segmentKeyFile, anchored.segment, "k");
            REQUIRE(lock);
            return std::move(*lock);
        }(); // a loader or reader: its token is no holder's mark
        REQUIRE(::unlink(anchored.names.segmentKeyFile.c_str()) == 0);
        CHECK_FALSE(runningHolderAnchors(anchored.names));
        CHECK_FALSE(keyFilesUnderRepair(anchored.names));
    }
}

TEST_CASE("anchors: a marked holder is found through its anchors, with the files it anchored and its mark",
          "[holder_anchors]")
{
    Anchored anchored;
    const bool raw = GENERATE(false, true);
    INFO((raw ? "a raw holder" : "a shm-tools holder"));
    const ParticipantLock holder = anchored.markedHolder(raw);
    const auto found = runningHolderAnchors(anchored.names);
    REQUIRE(found);
    CHECK(same(found->segmentKeyFile, anchored.segment));
    REQUIRE(found->semaphoreKeyFile);
    CHECK(same(*found->semaphoreKeyFile, anchored.semaphore));
    CHECK(found->mark == (raw ? kRawHolderMark : kHolderMark));
    CHECK(found->inPlace(anchored.names));
    CHECK(found->holderPid() == ::getpid());          // the mark's descriptor is this process's
    CHECK_FALSE(keyFilesUnderRepair(anchored.names)); // nothing to restore
}

TEST_CASE("anchors: key files removed or replaced under a running holder are under repair", "[holder_anchors]")
{
    Anchored anchored;
    const ParticipantLock holder = anchored.markedHolder();
    const IpcNames &names = anchored.names;
    SECTION("the segment key file removed (a Qt program's failed create())")
    {
        REQUIRE(::unlink(names.segmentKeyFile.c_str()) == 0);
    }
    SECTION("the segment key file replaced by a new file")
    {
        replaceWithNewFile(names.segmentKeyFile);
    }
    SECTION("the semaphore key file removed")
    {
        REQUIRE(::unlink(names.semaphoreKeyFile.c_str()) == 0);
    }
    SECTION("the semaphore key file replaced by a new file")
    {
        replaceWithNewFile(names.semaphoreKeyFile);
    }
    const auto repair = keyFilesUnderRepair(names);
    REQUIRE(repair);
    CHECK_FALSE(repair->inPlace(names));
    CHECK(same(repair->segmentKeyFile, anchored.segment)); // what the holder restores
    // Once restored from the anchors, nothing is under repair any more.
    std::string problem;
    const auto free = [](key_t) { return true; };
    REQUIRE(restoreFromAnchor(names.segmentKeyFile, anchored.segment, anchorPathFor(names.segmentKeyFile), free,
                              problem) != KeyFileRepair::Failed);
    REQUIRE(restoreFromAnchor(names.semaphoreKeyFile, anchored.semaphore, anchorPathFor(names.semaphoreKeyFile), free,
                              problem) != KeyFileRepair::Failed);
    CHECK_FALSE(keyFilesUnderRepair(names));
    CHECK(runningHolderAnchors(names));
}

TEST_CASE("anchors: a missing semaphore anchor counts as in place, whatever its key file", "[holder_anchors]")
{
    Anchored anchored;
    const ParticipantLock holder = anchored.markedHolder();
    REQUIRE(::unlink(anchorPathFor(anchored.names.semaphoreKeyFile).c_str()) == 0);
    REQUIRE(::unlink(anchored.names.semaphoreKeyFile.c_str()) == 0); // nothing could restore it
    const auto found = runningHolderAnchors(anchored.names);
    REQUIRE(found);
    CHECK_FALSE(found->semaphoreKeyFile);
    CHECK(found->inPlace(anchored.names));
    CHECK_FALSE(keyFilesUnderRepair(anchored.names));
    SECTION("but the segment key file still counts")
    {
        REQUIRE(::unlink(anchored.names.segmentKeyFile.c_str()) == 0);
        CHECK(keyFilesUnderRepair(anchored.names));
    }
}

TEST_CASE("anchors: an anchor that is a symlink is not followed to a marked key file", "[holder_anchors]")
{
    Anchored anchored;
    const ParticipantLock holder = anchored.markedHolder();
    const std::string anchor = anchorPathFor(anchored.names.segmentKeyFile);
    REQUIRE(::unlink(anchor.c_str()) == 0);
    REQUIRE(::symlink(anchored.names.segmentKeyFile.c_str(), anchor.c_str()) == 0);
    CHECK_FALSE(runningHolderAnchors(anchored.names));
}

TEST_CASE("anchors: a holder process that dies leaves anchors that name no running holder", "[holder_anchors]")
{
    Anchored anchored;
    const IpcNames &names = anchored.names;
    const FileIdentity segment = anchored.segment;
    ChildProcess holder([&](int readyFd, int releaseFd) {
        auto lock = ParticipantLock::take(names.segmentKeyFile, segment, names.key);
        if (!lock || !lock->markHolder())
            return 1;
        ChildProcess::tellReady(readyFd);
        ChildProcess::waitForRelease(releaseFd);
        return 0;
    });
    REQUIRE(holder.ready());
    REQUIRE(::unlink(names.segmentKeyFile.c_str()) == 0);
    const auto repair = keyFilesUnderRepair(names);
    REQUIRE(repair);
    CHECK(repair->holderPid() == holder.pid());
    ::kill(holder.pid(), SIGKILL);
    CHECK(holder.wait() == 100 + SIGKILL);
    // Its descriptors closed with it, and its mark with them: the stale anchors name nobody.
    CHECK_FALSE(runningHolderAnchors(names));
    CHECK_FALSE(keyFilesUnderRepair(names));
}
