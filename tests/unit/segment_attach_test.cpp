// SPDX-License-Identifier: BSD-3-Clause
// The one attach path (protocol/segment_attach): find, stat, check the owner, map, take the
// participant lock, open the semaphore, and what it does when a piece is missing: wait for a
// running holder to restore it, or say which holder and why. It has no seam: on the real
// System V, a holder in this process (or a child's, to serve or to be killed) under a key whose
// files are in a scratch directory; everything removed at the end of each case.
#include "protocol/segment_attach.h"

#include "protocol/holder.h"
#include "protocol/slot_protocol.h"
#include "sys/interrupt.h"
#include "sys/key_file.h"

#include "holder_support.h"
#include "unit_support.h"

#include <cstring>
#include <sys/shm.h>

using namespace shmtools::detail;
using Catch::Matchers::ContainsSubstring;
using shmtools::ErrorCode;
using shmtools::HolderOptions;
using shmtools::Remedy;
using shmtools::Result;
using unit::ChildProcess;
using unit::holderInChild;
using unit::inChild;
using unit::ScratchKey;
using unit::startHolder;

namespace {

constexpr std::uint64_t kCapacity = unit::kHolderCapacity; // what startHolder() makes
// Long enough for any machine; the cases that reach it on purpose pass a short one.
constexpr double kLongWait = 30;

/// A holder of `names` in a child, killed (SIGKILL) as soon as it is ready: an orphan is left.
void leaveOrphan(const IpcNames &names, bool raw = false)
{
    ChildProcess child(holderInChild(names, kCapacity, raw));
    REQUIRE(child.ready());
    ::kill(child.pid(), SIGKILL);
    REQUIRE(child.wait() == 100 + SIGKILL);
}

void removeSemaphoreOf(const IpcNames &names)
{
    auto semaphore = Semaphore::open(names);
    REQUIRE(semaphore);
    semaphore->remove();
}

void unlink(const std::string &path)
{
    REQUIRE(::unlink(path.c_str()) == 0);
}

} // namespace

TEST_CASE("attach: a held key's whole segment is mapped, with its status, semaphore and identity", "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE(attached);
    CHECK(attached->status.shmid == holder->shmid());
    CHECK(attached->status.size == *layout::segmentSizeFor(kCapacity));
    CHECK(attached->mapping.size() == attached->status.size);
    CHECK(std::memcmp(attached->mapping.data(), layout::kMagic, sizeof layout::kMagic) == 0);
    CHECK(attached->semaphore.id() == scratch.ids().semid);
    CHECK(attached->participant.token() != 0);
    // What it reached the segment through is what the holder recorded: the protocol's check passes.
    CHECK(identityMismatch(holder->protocol()->live().identity, attached->identity).empty());
}

TEST_CASE("attach: the identity names the key, its TMPDIR and the key files it was reached through", "[segment_attach]")
{
    ScratchKey scratch;
    const layout::FileId segmentFile{11, 12};
    const layout::FileId semaphoreFile{21, 22};
    const layout::KeyIdentity identity = keyIdentityOf(scratch.names, segmentFile, semaphoreFile);
    CHECK(identity.segmentKeyFile.device == 11);
    CHECK(identity.segmentKeyFile.inode == 12);
    CHECK(identity.semaphoreKeyFile.inode == 22);
    CHECK(layout::text(identity.key, sizeof identity.key) == scratch.names.key);
    CHECK(layout::text(identity.tempDir, sizeof identity.tempDir) == scratch.names.tempDir);
    IpcNames otherKey = scratch.names;
    otherKey.key = "another-key"; // an ftok collision: another key reaching the same files
    const layout::KeyIdentity other = keyIdentityOf(otherKey, segmentFile, semaphoreFile);
    CHECK(other.keyHash != identity.keyHash);
    CHECK(other.tempDirHash == identity.tempDirHash);
    CHECK_THAT(identityMismatch(identity, other), ContainsSubstring("not for key 'another-key'"));
}

TEST_CASE("attach: another key reaching a holder's segment through the same key files is told apart",
          "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    IpcNames collision = scratch.names;
    collision.key = "colliding-key";
    auto attached = attachSegment(collision, Deadline::after(kLongWait));
    REQUIRE(attached); // attaching decides nothing on identity: the protocol checks it under the lock
    CHECK_THAT(identityMismatch(holder->protocol()->live().identity, attached->identity),
               ContainsSubstring("it was made for key 'unit-key'"));
}

TEST_CASE("attach: no segment under the key is NoSegment, and nothing is made", "[segment_attach]")
{
    ScratchKey scratch;
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(attached.error().pid == 0); // no holder to name
    CHECK_FALSE(findSegment(scratch.names));
    CHECK_FALSE(Semaphore::open(scratch.names));
}

TEST_CASE("attach: a segment open to other users is refused as Unsafe, unmapped", "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    shmid_ds status{};
    REQUIRE(::shmctl(holder->shmid(), IPC_STAT, &status) == 0);
    status.shm_perm.mode = 0640;
    REQUIRE(::shmctl(holder->shmid(), IPC_SET, &status) == 0);
    const std::uint64_t attachmentsBefore = statSegment(holder->shmid(), scratch.names)->attachments;
    auto mapped = mapSegment(scratch.names);
    REQUIRE_FALSE(mapped);
    CHECK(mapped.error().code == ErrorCode::Unsafe);
    CHECK_THAT(mapped.error().message, ContainsSubstring("open to other users (mode 0640)"));
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::Unsafe);
    CHECK(statSegment(holder->shmid(), scratch.names)->attachments == attachmentsBefore);
}

TEST_CASE("attach: a segment removed (ipcrm) under a running holder is NoSegment naming that holder",
          "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    removeSegment(holder->shmid());
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(attached.error().remedy == Remedy::RestartHolder);
    CHECK(attached.error().pid == ::getpid());
    CHECK_THAT(attached.error().message,
               ContainsSubstring("was removed (ipcrm -m") && ContainsSubstring(std::to_string(holder->shmid())));
}

TEST_CASE("attach: key files removed with their anchors under a running holder are NoSegment saying they cannot come "
          "back",
          "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    for (const std::string &path : {scratch.names.segmentKeyFile, scratch.names.semaphoreKeyFile})
        unlink(path), unlink(anchorPathFor(path));
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(attached.error().remedy == Remedy::RestartHolder);
    CHECK(attached.error().pid == ::getpid());
    CHECK_THAT(attached.error().message,
               ContainsSubstring("were removed while its holder") && ContainsSubstring("the holder has no anchor"));
}

TEST_CASE("attach: key files removed under a running holder are waited for until the deadline, then NoSegment",
          "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names); // anchored, but it does not serve: nothing restores them
    unlink(scratch.names.segmentKeyFile);
    const Deadline deadline = Deadline::after(0.2);
    auto attached = attachSegment(scratch.names, deadline);
    REQUIRE_FALSE(attached);
    CHECK(deadline.remaining().tv_sec == 0);
    CHECK(deadline.remaining().tv_nsec == 0); // it waited the whole time
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(attached.error().remedy == Remedy::RaiseTimeout);
    CHECK(attached.error().pid == ::getpid());
    CHECK_THAT(attached.error().message,
               ContainsSubstring("its key files in " + scratch.names.tempDir + " were removed or replaced") &&
                   ContainsSubstring("did not restore them within"));
}

TEST_CASE("attach: key files removed under a serving holder are waited for, and the attach goes on once restored",
          "[segment_attach]")
{
    ScratchKey scratch;
    ChildProcess holder([&](int readyFd, int) {
        installInterruptHandlers();
        HolderOptions options;
        options.capacity = kCapacity;
        auto served = Holder::start(scratch.names, options);
        if (!served)
            return 1;
        ChildProcess::tellReady(readyFd);
        (*served)->serve(nullptr);
        return 0;
    });
    REQUIRE(holder.ready());
    const int shmid = scratch.ids().shmid;
    unlink(scratch.names.segmentKeyFile);
    { // detached again before the holder stops
        auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
        REQUIRE(attached);
        CHECK(attached->status.shmid == shmid);
        CHECK(ownRegularFileAt(scratch.names.segmentKeyFile)); // back, by the holder's hand
    }
    ::kill(holder.pid(), SIGTERM);
    CHECK(holder.wait() == 0);
}

TEST_CASE("attach: a signal while it waits for a repair ends the wait as Interrupted", "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    unlink(scratch.names.segmentKeyFile);
    const int code = inChild([&] {
        installInterruptHandlers();
        ::raise(SIGTERM); // recorded, as if it came during the wait
        auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
        return !attached && attached.error().code == ErrorCode::Interrupted ? 0 : 1;
    });
    CHECK(code == 0);
}

TEST_CASE("attach: a semaphore missing under a live shm-tools holder gives a stand-in", "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names);
    removeSemaphoreOf(scratch.names);
    auto attached = attachSegment(scratch.names, Deadline::after(kLongWait));
    REQUIRE(attached);
    CHECK(attached->semaphore.id() == -1); // the first lock waits for the holder's new one
    CHECK(attached->status.shmid == holder->shmid());
}

TEST_CASE("attach: a semaphore missing beside an orphan is NoSegment at once, not a stand-in", "[segment_attach]")
{
    ScratchKey scratch;
    leaveOrphan(scratch.names);
    removeSemaphoreOf(scratch.names);
    const Deadline deadline = Deadline::after(kLongWait);
    auto attached = attachSegment(scratch.names, deadline);
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(deadline.remaining().tv_sec > kLongWait / 2); // no waiting for a holder that is gone
}

TEST_CASE("attach: a raw segment's semaphore missing under its running holder is waited for, then NoSegment",
          "[segment_attach]")
{
    ScratchKey scratch;
    const auto holder = startHolder(scratch.names, 64, true);
    removeSemaphoreOf(scratch.names);
    const Deadline deadline = Deadline::after(0.2);
    auto attached = attachSegment(scratch.names, deadline);
    REQUIRE_FALSE(attached);
    CHECK(deadline.remaining().tv_nsec == 0);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(attached.error().remedy == Remedy::RaiseTimeout);
    CHECK(attached.error().pid == ::getpid());
    CHECK_THAT(attached.error().message, ContainsSubstring("its semaphore was removed or replaced"));
}

TEST_CASE("attach: a raw orphan without its semaphore is NoSegment at once", "[segment_attach]")
{
    ScratchKey scratch;
    leaveOrphan(scratch.names, true);
    removeSemaphoreOf(scratch.names);
    const Deadline deadline = Deadline::after(kLongWait);
    auto attached = attachSegment(scratch.names, deadline);
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code == ErrorCode::NoSegment);
    CHECK(deadline.remaining().tv_sec > kLongWait / 2);
}
