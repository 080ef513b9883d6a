// SPDX-License-Identifier: BSD-3-Clause
// The slot protocol in one process, on a plain buffer, against a fake operating system: who is
// alive, whether the lock is free and what happens while a waiter sleeps are decided here, so
// every race below is played out deterministically.

#include "protocol/segment_attach.h"
#include "protocol/slot_protocol.h"

#include "fake_protocol_os.h"
#include "support/catch_compat.h"
#include "support/message_checks.h"

#include <cstring>
#include <chrono>
#include <functional>
#include <set>
#include <vector>

using namespace shmtools::detail;
using shmtools::Error;
using shmtools::ErrorCode;
using shmtools::Remedy;
using shmtools::Status;

using namespace layout;

namespace {

using fake::FakeOs;
using fake::tokenFor;
using fake::World;

constexpr std::uint64_t kCapacity = 4096;

KeyIdentity identityFor(const std::string &key)
{
    const IpcNames names{key, "/tmp/seg", "/tmp/sem", "/tmp"};
    return keyIdentityOf(names, {1, 1234567}, {1, 1234568});
}

/// A segment in a buffer, made by holder process 100, and a participant per process.
struct Fixture {
    World world;
    std::vector<unsigned char> buffer = std::vector<unsigned char>(*segmentSizeFor(kCapacity));
    FakeOs holderOs{world, 100};
    KeyIdentity identity = identityFor("k");

    Fixture()
    {
        SlotProtocol holder(buffer.data(), buffer.size(), holderOs, "k", identity);
        holder.initialise(kCapacity, identity);
    }
    SegmentHeader &header() { return *reinterpret_cast<SegmentHeader *>(buffer.data()); }
    /// A protocol endpoint for process PID.
    struct Peer {
        Peer(Fixture &f, pid_t pid, int nth = 0)
            : os(f.world, pid, nth), protocol(f.buffer.data(), f.buffer.size(), os, "k", f.identity)
        {
        }
        FakeOs os;
        SlotProtocol protocol;
    };
    /// A protocol endpoint: process PID's Nth participant (Segment).
    std::unique_ptr<Peer> peer(pid_t pid, int nth = 0) { return std::make_unique<Peer>(*this, pid, nth); }
    /// Publishes CONTENT's metadata as process PID would.
    void publish(pid_t pid, std::uint64_t length)
    {
        auto loader = peer(pid);
        auto claim = loader->protocol.claim(Deadline::after(1));
        REQUIRE(claim.ok());
        REQUIRE(loader->protocol.publish(*claim, {length, 42, "src"}, Deadline::after(1)).ok());
    }
};

} // namespace

TEST_CASE("protocol: a published version is pinned, read and given back", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    auto reader = f.peer(300);
    auto pinned = reader->protocol.pin(Deadline::after(1));
    REQUIRE(pinned.ok());
    CHECK(pinned->version.generation == 1);
    CHECK(pinned->version.length == 10);
    CHECK(load(f.header().pins[0].reader.token) == tokenFor(300));
    pinned->lease.giveBack();
    CHECK(load(f.header().pins[0].reader.token) == 0);
    CHECK_FALSE(f.world.locked);
}

TEST_CASE("protocol: a loader waiting on a pinned reader goes on when that reader dies", "[protocol]")
{
    Fixture f;
    f.publish(200, 10); // slot 0 active
    f.publish(200, 20); // slot 1 active; slot 0 holds generation 1
    // A reader pinned generation 2 (slot 1)...
    auto reader = f.peer(300);
    auto pinned = reader->protocol.pin(Deadline::after(1));
    REQUIRE(pinned.ok());
    f.publish(200, 30);      // ...goes to slot 0; the next load needs slot 1, pinned
    pinned->lease.dismiss(); // the reader is killed: its pin stays behind
    f.world.duringWait = [&] { f.world.kill(300); };

    auto loader = f.peer(400);
    auto claim = loader->protocol.claim(Deadline::after(20));
    REQUIRE(claim.ok());
    CHECK(claim->slot == 1);
    CHECK(f.world.waits == 1);
    CHECK(f.world.lastWokenByDeath); // by a probe between slices: a death wakes nobody
    CHECK(f.world.lastSlice <= SlotProtocol::kProbeSlice);
    CHECK(load(f.header().pins[0].reader.token) == 0); // the dead reader's pin was cleared
}

TEST_CASE("protocol: a loader waiting on another loader's claim goes on when that loader dies", "[protocol]")
{
    Fixture f;
    auto first = f.peer(200);
    auto claimed = first->protocol.claim(Deadline::after(1));
    REQUIRE(claimed.ok());
    claimed->lease.dismiss(); // SIGKILLed mid-copy
    f.world.duringWait = [&] { f.world.kill(200); };

    auto second = f.peer(300);
    auto claim = second->protocol.claim(Deadline::after(20));
    REQUIRE(claim.ok());
    CHECK(claim->slot == claimed->slot);
    CHECK(f.world.lastWokenByDeath);
    CHECK(load(f.header().slots[claim->slot].writer.token) == tokenFor(300));
}

TEST_CASE("protocol: a live loader's claim makes the next loader wait, bounded by its deadline", "[protocol]")
{
    Fixture f;
    auto first = f.peer(200);
    auto claimed = first->protocol.claim(Deadline::after(1));
    REQUIRE(claimed.ok());
    auto second = f.peer(300);
    auto claim = second->protocol.claim(Deadline::after(3));
    REQUIRE_FALSE(claim.ok());
    CHECK(claim.error().code == ErrorCode::TimedOut);
    CHECK_THAT(claim.error().message, Catch::Matchers::ContainsSubstring("another load (PID 200)"));
    SECTION("and goes on as soon as the claim is given back")
    {
        f.world.duringWait = [&] { claimed->lease.giveBack(); };
        REQUIRE(second->protocol.claim(Deadline::after(3)).ok());
    }
}

TEST_CASE("protocol: with the pin table full, a reader waits for a free pin", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    std::vector<std::unique_ptr<Fixture::Peer>> readers;
    std::vector<Pinned> pins;
    for (pid_t pid = 1000; pid < 1000 + static_cast<pid_t>(kMaxReaders); ++pid) {
        readers.push_back(f.peer(pid));
        auto pinned = readers.back()->protocol.pin(Deadline::after(1));
        REQUIRE(pinned.ok());
        pins.push_back(std::move(*pinned));
    }
    auto late = f.peer(5000);
    SECTION("woken when one is given back")
    {
        f.world.duringWait = [&] { pins[17].lease.giveBack(); };
        auto pinned = late->protocol.pin(Deadline::after(20));
        REQUIRE(pinned.ok());
        CHECK(load(f.header().pins[17].reader.token) == tokenFor(5000));
    }
    SECTION("woken when a reader dies")
    {
        f.world.duringWait = [&] { f.world.kill(1030); };
        pins[30].lease.dismiss();
        auto pinned = late->protocol.pin(Deadline::after(20));
        REQUIRE(pinned.ok());
        CHECK(load(f.header().pins[30].reader.token) == tokenFor(5000));
        CHECK(f.world.lastWokenByDeath);
    }
    SECTION("timed out if none frees up")
    {
        auto pinned = late->protocol.pin(Deadline::after(2));
        REQUIRE_FALSE(pinned.ok());
        CHECK(pinned.error().code == ErrorCode::TimedOut);
    }
}

TEST_CASE("protocol: pins and claims are given back even while the lock is busy", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    auto reader = f.peer(300);
    auto pinned = reader->protocol.pin(Deadline::after(1));
    auto loader = f.peer(400);
    auto claim = loader->protocol.claim(Deadline::after(1));
    REQUIRE(pinned.ok());
    REQUIRE(claim.ok());
    f.world.locked = true; // a stopped process holds the lock
    const std::uint32_t before = load(f.header().changeCounter);
    pinned->lease.giveBack();
    claim->lease.giveBack();
    CHECK(load(f.header().pins[0].reader.token) == 0);
    CHECK(load(f.header().slots[claim->slot].state) == SlotFree);
    CHECK(load(f.header().changeCounter) == before + 2); // each give-back wakes the waiters
}

TEST_CASE("protocol: an adopter records the key files and TMPDIR it uses", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    f.world.kill(100);
    // The dead holder's semaphore key file was removed (a Qt create(), a cleaner) and made anew.
    f.header().identity.semaphoreKeyFile = {1, 42};
    auto adopter = f.peer(600);
    REQUIRE(adopter->protocol.adopt(Deadline::after(1)).ok());
    CHECK(f.header().identity.semaphoreKeyFile.inode == f.identity.semaphoreKeyFile.inode);
    CHECK(f.header().identity.tempDirHash == f.identity.tempDirHash);
}

TEST_CASE("protocol: two adopters at once, one wins", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    f.world.kill(100); // the holder was killed
    auto first = f.peer(600);
    auto second = f.peer(700);
    SECTION("in turn: the second sees the first")
    {
        auto kept = first->protocol.adopt(Deadline::after(1));
        REQUIRE(kept.ok());
        CHECK(kept->generation == 1);
        auto lost = second->protocol.adopt(Deadline::after(1));
        REQUIRE_FALSE(lost.ok());
        CHECK(lost.error().code == ErrorCode::KeyHeld);
        CHECK_THAT(lost.error().message, Catch::Matchers::ContainsSubstring("PID 600"));
    }
    SECTION("the second cannot decide while the first holds the lock")
    {
        REQUIRE(f.holderOs.lock(Deadline::after(1)).ok()); // the first, mid-adoption
        auto blocked = second->protocol.adopt(Deadline::after(1));
        CHECK_FALSE(blocked.ok());
        CHECK(load(f.header().holder.token) == tokenFor(100));
    }
}

TEST_CASE("protocol: the header changes under us", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    auto reader = f.peer(300);
    REQUIRE(reader->protocol.snapshot(Deadline::after(1)).ok());
    SECTION("a bad active slot index is refused, not followed")
    {
        f.header().activeSlot = 7;
        auto pinned = reader->protocol.pin(Deadline::after(1));
        REQUIRE_FALSE(pinned.ok());
        CHECK(pinned.error().code == ErrorCode::InvalidContent);
    }
    SECTION("a changed capacity is refused")
    {
        f.header().capacity = kCapacity / 2;
        f.header().slotStride = slotStrideFor(kCapacity / 2);
        auto copy = reader->protocol.snapshot(Deadline::after(1));
        REQUIRE_FALSE(copy.ok());
        CHECK_THAT(copy.error().message, Catch::Matchers::ContainsSubstring("capacity changed"));
    }
    SECTION("another key's identity is refused as an ftok collision")
    {
        f.header().identity = identityFor("another");
        auto copy = reader->protocol.snapshot(Deadline::after(1));
        REQUIRE_FALSE(copy.ok());
        CHECK(copy.error().code == ErrorCode::Unsafe);
        CHECK_THAT(copy.error().message, Catch::Matchers::ContainsSubstring("'another'") && Catch::Matchers::ContainsSubstring("collision"));
    }
    SECTION("another key file under the same key is an ftok collision naming only what differs")
    {
        const IpcNames names{"k", "/tmp/seg", "/tmp/sem", "/tmp"};
        f.header().identity = keyIdentityOf(names, {1, 7654321}, {1, 1234568});
        auto copy = reader->protocol.snapshot(Deadline::after(1));
        REQUIRE_FALSE(copy.ok());
        CHECK(copy.error().code == ErrorCode::Unsafe);
        CHECK_THAT(copy.error().message, Catch::Matchers::ContainsSubstring("inode 7654321") &&
                                             Catch::Matchers::ContainsSubstring("inode 1234567"));
    }
    SECTION("the same key file under another TMPDIR path, with another semaphore key file, is ours")
    {
        // A bind mount or a renamed TMPDIR; a semaphore key file made anew after a Qt create().
        const IpcNames elsewhere{"k", "/shared/seg", "/shared/sem", "/shared"};
        f.header().identity = keyIdentityOf(elsewhere, {1, 1234567}, {1, 99});
        CHECK(reader->protocol.snapshot(Deadline::after(1)).ok());
        CHECK(identityMismatch(f.header().identity, f.identity).empty());
    }
    SECTION("a header of format version 1 is named as such")
    {
        f.header().formatVersion = 1;
        auto copy = reader->protocol.snapshot(Deadline::after(1));
        REQUIRE_FALSE(copy.ok());
        CHECK(copy.error().code == ErrorCode::InvalidContent);
        CHECK_THAT(copy.error().message,
                   Catch::Matchers::ContainsSubstring("another version of shm-tools") && Catch::Matchers::ContainsSubstring("format version 1"));
    }
    SECTION("a claim lost to a scribbler is not published")
    {
        auto loader = f.peer(400);
        auto claim = loader->protocol.claim(Deadline::after(1));
        REQUIRE(claim.ok());
        store(f.header().slots[claim->slot].writer.token, tokenFor(999));
        auto published = loader->protocol.publish(*claim, {5, 1, "x"}, Deadline::after(1));
        REQUIRE_FALSE(published.ok());
        CHECK(f.header().activeSlot != claim->slot);
    }
}

TEST_CASE("protocol: a waiter for a new version wakes when the holder dies", "[protocol]")
{
    Fixture f;
    auto reader = f.peer(300);
    f.world.duringWait = [&] { f.world.kill(100); };
    auto waited = reader->protocol.waitForGenerationAbove(0, Deadline::after(20), nullptr);
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == ErrorCode::NoSegment);
    CHECK(f.world.lastWokenByDeath);
    CHECK(f.world.waits == 1);
}

TEST_CASE("protocol: failures state facts and a remedy, never a flag or a tool", "[protocol][messages]")
{
    struct Row {
        const char *what;
        std::function<Error(Fixture &)> fail;
        Remedy remedy;
    };
    const std::vector<Row> table{
        {"a segment without our header",
         [](Fixture &f) {
             f.header().magic[0] = 'X';
             return f.peer(300)->protocol.snapshot(Deadline::after(1)).error();
         },
         Remedy::UseRaw},
        {"a header of another format version",
         [](Fixture &f) {
             f.header().formatVersion = 1;
             return f.peer(300)->protocol.snapshot(Deadline::after(1)).error();
         },
         Remedy::UseMatchingVersion},
        {"a corrupt header",
         [](Fixture &f) {
             f.header().activeSlot = 7;
             return f.peer(300)->protocol.snapshot(Deadline::after(1)).error();
         },
         Remedy::RestartHolder},
        {"a holder that died",
         [](Fixture &f) {
             f.world.kill(100);
             return f.peer(300)->protocol.pin(Deadline::after(1)).error();
         },
         Remedy::AdoptOrphan},
        {"a live holder when adopting",
         [](Fixture &f) { return f.peer(500)->protocol.adopt(Deadline::after(1)).error(); },
         Remedy::StopHolderOrChooseAnotherKey},
        {"a live loader's claim that outlasts the deadline",
         [](Fixture &f) {
             auto first = f.peer(200);
             auto claim = first->protocol.claim(Deadline::after(1));
             REQUIRE(claim.ok());
             return f.peer(400)->protocol.claim(Deadline::after(1)).error();
         },
         Remedy::RaiseTimeout},
    };
    for (const Row &row : table) {
        INFO(row.what);
        Fixture f;
        const Error error = row.fail(f);
        INFO(error.message);
        CHECK(toolWordIn(error.message).empty());
        CHECK(error.remedy == row.remedy);
    }
}

TEST_CASE("protocol: two Segments of one process are rival participants", "[protocol][participant]")
{
    // A claim used to count as a rival only when its PID differed, so two threads
    // of one program overwrote each other's slot. Process 200 has two Segments here.
    Fixture f;
    auto first = f.peer(200, 0);
    auto second = f.peer(200, 1);
    SECTION("a claim of the other Segment makes the next load wait")
    {
        auto claimed = first->protocol.claim(Deadline::after(1));
        REQUIRE(claimed.ok());
        auto rival = second->protocol.claim(Deadline::after(1));
        REQUIRE_FALSE(rival.ok());
        CHECK(rival.error().code == ErrorCode::TimedOut);
        CHECK_THAT(rival.error().message, Catch::Matchers::ContainsSubstring("another load (PID 200)"));
        CHECK(load(f.header().slots[claimed->slot].writer.token) == tokenFor(200, 0));
        // ...and the owner still publishes what it wrote.
        REQUIRE(first->protocol.publish(*claimed, {3, 7, "first"}, Deadline::after(1)).ok());
    }
    SECTION("a claim stolen by the other Segment is not published as ours")
    {
        auto claimed = first->protocol.claim(Deadline::after(1));
        REQUIRE(claimed.ok());
        store(f.header().slots[claimed->slot].writer.token, tokenFor(200, 1));
        auto published = first->protocol.publish(*claimed, {3, 7, "first"}, Deadline::after(1));
        REQUIRE_FALSE(published.ok());
        CHECK_THAT(published.error().message, Catch::Matchers::ContainsSubstring("taken over"));
    }
    SECTION("a pin of the other Segment protects the previous version")
    {
        f.publish(300, 10);
        f.publish(300, 20);
        auto pinned = first->protocol.pin(Deadline::after(1)); // generation 2
        REQUIRE(pinned.ok());
        f.publish(300, 30);
        auto blocked = second->protocol.claim(Deadline::after(1));
        REQUIRE_FALSE(blocked.ok());
        CHECK_THAT(blocked.error().message, Catch::Matchers::ContainsSubstring("a reader (PID 200)"));
        pinned->lease.giveBack();
        CHECK(second->protocol.claim(Deadline::after(1)).ok());
    }
}

TEST_CASE("protocol: a semaphore granted twice is noticed and nobody enters twice", "[protocol][participant]")
{
    // A Qt peer's create() sets the semaphore to 1 while it is held. The
    // lock-owner word then still names the participant inside.
    Fixture f;
    f.publish(200, 10);
    auto inside = f.peer(300);
    auto late = f.peer(400);
    store(f.header().lockOwner, tokenFor(300)); // participant 300 is inside the lock
    f.world.locked = true;
    f.world.grantsTwice = true; // ...and the semaphore hands out a second unit
    SECTION("the late one waits until the owner leaves, then enters and drops the surplus unit")
    {
        f.world.duringWait = [&] { store(f.header().lockOwner, std::uint64_t{0}); };
        const int dropsBefore = f.world.surplusDrops;
        auto copy = late->protocol.snapshot(Deadline::after(5));
        REQUIRE(copy.ok());
        CHECK(late->protocol.doubleGrantsSeen() == 1);
        CHECK(f.world.waits == 1);
        CHECK(f.world.lastSlice <= SlotProtocol::kProbeSlice);
        CHECK(f.world.surplusDrops == dropsBefore + 1);
        CHECK(load(f.header().lockOwner) == 0); // given back after the snapshot
    }
    SECTION("the late one enters at once when the owner has died inside")
    {
        f.world.kill(300);
        REQUIRE(late->protocol.snapshot(Deadline::after(5)).ok());
        CHECK(late->protocol.doubleGrantsSeen() == 0);
        CHECK(f.world.waits == 0);
    }
    SECTION("the late one never enters while the owner stays, and times out saying why")
    {
        auto pinned = late->protocol.pin(Deadline::after(1));
        REQUIRE_FALSE(pinned.ok());
        CHECK(pinned.error().code == ErrorCode::TimedOut);
        CHECK_THAT(pinned.error().message, Catch::Matchers::ContainsSubstring("granted twice"));
        CHECK(load(f.header().lockOwner) == tokenFor(300)); // untouched: the owner is still inside
        for (const ReaderPin &pin : f.header().pins)
            CHECK(load(pin.reader.token) == 0); // and nothing was pinned behind its back
        CHECK_FALSE(f.world.locked);            // our unit was given back
    }
    (void)inside;
}

TEST_CASE("protocol: the lock-owner word of a foreign segment is never written", "[protocol][participant]")
{
    Fixture f;
    f.header().magic[0] = 'X'; // a plain Qt segment's bytes are someone's data
    std::uint64_t before = 0;
    std::memcpy(&before, &f.header().lockOwner, sizeof before);
    auto reader = f.peer(300);
    REQUIRE_FALSE(reader->protocol.snapshot(Deadline::after(1)).ok());
    std::uint64_t after = 0;
    std::memcpy(&after, &f.header().lockOwner, sizeof after);
    CHECK(after == before);
}

TEST_CASE("protocol: a header of format version 2 (PIDs, not tokens) is named as another version", "[protocol]")
{
    Fixture f;
    f.header().formatVersion = 2;
    auto copy = f.peer(300)->protocol.snapshot(Deadline::after(1));
    REQUIRE_FALSE(copy.ok());
    CHECK(copy.error().code == ErrorCode::InvalidContent);
    CHECK_THAT(copy.error().message, Catch::Matchers::ContainsSubstring("format version 2"));
}

TEST_CASE("protocol: a record made in another PID namespace is named so", "[protocol][participant]")
{
    Fixture f;
    auto loader = f.peer(1);
    auto claimed = loader->protocol.claim(Deadline::after(1));
    REQUIRE(claimed.ok());
    f.header().slots[claimed->slot].writer.pidNamespace = 4026532000u; // a container's
    auto second = f.peer(300);
    auto blocked = second->protocol.claim(Deadline::after(1));
    REQUIRE_FALSE(blocked.ok());
    CHECK_THAT(blocked.error().message, Catch::Matchers::ContainsSubstring("PID 1 in another PID namespace"));
    CHECK(blocked.error().pid == 0); // a PID of another namespace is nobody to signal here
}
