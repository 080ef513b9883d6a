// The slot protocol in one process, on a plain buffer, against a fake operating system: who is
// alive, whether the lock is free and what happens while a waiter sleeps are decided here, so
// every race below is played out deterministically.

#include "protocol/segment_attach.h"
#include "protocol/slot_protocol.h"

#include "support/catch_compat.h"
#include "support/message_checks.h"

#include <functional>
#include <set>
#include <vector>

using namespace layout;

namespace {

constexpr std::uint64_t kCapacity = 4096;

/// The shared world of the fake: processes alive, the lock, and a hook run while a waiter sleeps.
struct World {
    std::set<pid_t> alive;
    bool locked = false;
    int waits = 0;
    std::vector<ProcessIdentity> lastWatched;
    /// Runs inside each wait; may kill processes, give back pins, scribble the header.
    std::function<void()> duringWait;
};

class FakeOs final : public ProtocolOs {
public:
    FakeOs(World &world, pid_t pid) : m_world(world), m_pid(pid) { world.alive.insert(pid); }
    ProcessIdentity self() const override { return {m_pid, 1000u + static_cast<std::uint64_t>(m_pid)}; }
    bool isAlive(const ProcessStamp &stamp) const override { return stamp.pid != 0 && m_world.alive.count(stamp.pid); }
    std::int64_t unixTimeMs() const override { return 1'700'000'000'000; }
    Status lock(const Deadline &) override
    {
        if (m_world.locked) // in one thread a busy lock can only time out
            return makeError(ExitCode::TimedOut, "fake: the lock is busy");
        m_world.locked = true;
        return Done{};
    }
    void unlock() override { m_world.locked = false; }
    WaitOutcome waitForChange(std::uint32_t *word, std::uint32_t seen, const std::vector<ProcessIdentity> &watched,
                              const Deadline &) override
    {
        ++m_world.waits;
        m_world.lastWatched = watched;
        if (m_world.duringWait)
            m_world.duringWait();
        if (load(*word) != seen)
            return WaitOutcome::Changed;
        for (const ProcessIdentity &process : watched) // what the pidfd watch does
            if (!m_world.alive.count(process.pid))
                return WaitOutcome::Changed;
        return WaitOutcome::TimedOut; // nothing happened: the deadline passes
    }
    void bumpAndWake(std::uint32_t *word) override { shared(*word).fetch_add(1); }

private:
    World &m_world;
    pid_t m_pid;
};

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
        Peer(Fixture &f, pid_t pid) : os(f.world, pid), protocol(f.buffer.data(), f.buffer.size(), os, "k", f.identity)
        {
        }
        FakeOs os;
        SlotProtocol protocol;
    };
    std::unique_ptr<Peer> peer(pid_t pid) { return std::make_unique<Peer>(*this, pid); }
    /// Publishes CONTENT's metadata as process PID would.
    void publish(pid_t pid, std::uint64_t length)
    {
        auto loader = peer(pid);
        auto claim = loader->protocol.claim(Deadline::after(1));
        REQUIRE(claim.ok());
        REQUIRE(loader->protocol.publish(*claim, {length, 42, "src"}, Deadline::after(1)).ok());
    }
};

bool watches(const World &world, pid_t pid)
{
    for (const ProcessIdentity &process : world.lastWatched)
        if (process.pid == pid)
            return true;
    return false;
}

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
    CHECK(load(f.header().pins[0].reader.pid) == 300);
    pinned->lease.giveBack();
    CHECK(load(f.header().pins[0].reader.pid) == 0);
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
    f.world.duringWait = [&] { f.world.alive.erase(300); };

    auto loader = f.peer(400);
    auto claim = loader->protocol.claim(Deadline::after(20));
    REQUIRE(claim.ok());
    CHECK(claim->slot == 1);
    CHECK(f.world.waits == 1);
    CHECK(watches(f.world, 300));
    CHECK(load(f.header().pins[0].reader.pid) == 0); // the dead reader's pin was cleared
}

TEST_CASE("protocol: a loader waiting on another loader's claim goes on when that loader dies", "[protocol]")
{
    Fixture f;
    auto first = f.peer(200);
    auto claimed = first->protocol.claim(Deadline::after(1));
    REQUIRE(claimed.ok());
    claimed->lease.dismiss(); // SIGKILLed mid-copy
    f.world.duringWait = [&] { f.world.alive.erase(200); };

    auto second = f.peer(300);
    auto claim = second->protocol.claim(Deadline::after(20));
    REQUIRE(claim.ok());
    CHECK(claim->slot == claimed->slot);
    CHECK(watches(f.world, 200));
    CHECK(load(f.header().slots[claim->slot].writer.pid) == 300);
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
    CHECK(claim.error().code == ExitCode::TimedOut);
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
        CHECK(load(f.header().pins[17].reader.pid) == 5000);
        CHECK(f.world.lastWatched.size() == kMaxReaders + 1); // every reader, and the holder
    }
    SECTION("woken when a reader dies")
    {
        f.world.duringWait = [&] { f.world.alive.erase(1030); };
        pins[30].lease.dismiss();
        auto pinned = late->protocol.pin(Deadline::after(20));
        REQUIRE(pinned.ok());
        CHECK(load(f.header().pins[30].reader.pid) == 5000);
    }
    SECTION("timed out if none frees up")
    {
        auto pinned = late->protocol.pin(Deadline::after(2));
        REQUIRE_FALSE(pinned.ok());
        CHECK(pinned.error().code == ExitCode::TimedOut);
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
    CHECK(load(f.header().pins[0].reader.pid) == 0);
    CHECK(load(f.header().slots[claim->slot].state) == SlotFree);
    CHECK(load(f.header().changeCounter) == before + 2); // each give-back wakes the waiters
}

TEST_CASE("protocol: two adopters at once, one wins", "[protocol]")
{
    Fixture f;
    f.publish(200, 10);
    f.world.alive.erase(100); // the holder was killed
    auto first = f.peer(600);
    auto second = f.peer(700);
    SECTION("in turn: the second sees the first")
    {
        auto kept = first->protocol.adopt(Deadline::after(1));
        REQUIRE(kept.ok());
        CHECK(kept->generation == 1);
        auto lost = second->protocol.adopt(Deadline::after(1));
        REQUIRE_FALSE(lost.ok());
        CHECK(lost.error().code == ExitCode::KeyHeld);
        CHECK_THAT(lost.error().message, Catch::Matchers::ContainsSubstring("PID 600"));
    }
    SECTION("the second cannot decide while the first holds the lock")
    {
        REQUIRE(f.holderOs.lock(Deadline::after(1)).ok()); // the first, mid-adoption
        auto blocked = second->protocol.adopt(Deadline::after(1));
        CHECK_FALSE(blocked.ok());
        CHECK(load(f.header().holder.pid) == 100);
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
        CHECK(pinned.error().code == ExitCode::InvalidContent);
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
        CHECK(copy.error().code == ExitCode::Unsafe);
        CHECK_THAT(copy.error().message, Catch::Matchers::ContainsSubstring("'another'") && Catch::Matchers::ContainsSubstring("collision"));
    }
    SECTION("a header of format version 1 is named as such")
    {
        f.header().formatVersion = 1;
        auto copy = reader->protocol.snapshot(Deadline::after(1));
        REQUIRE_FALSE(copy.ok());
        CHECK(copy.error().code == ExitCode::InvalidContent);
        CHECK_THAT(copy.error().message,
                   Catch::Matchers::ContainsSubstring("another version of shm-tools") && Catch::Matchers::ContainsSubstring("format version 1"));
    }
    SECTION("a claim lost to a scribbler is not published")
    {
        auto loader = f.peer(400);
        auto claim = loader->protocol.claim(Deadline::after(1));
        REQUIRE(claim.ok());
        store(f.header().slots[claim->slot].writer.pid, 999);
        auto published = loader->protocol.publish(*claim, {5, 1, "x"}, Deadline::after(1));
        REQUIRE_FALSE(published.ok());
        CHECK(f.header().activeSlot != claim->slot);
    }
}

TEST_CASE("protocol: a waiter for a new version wakes when the holder dies", "[protocol]")
{
    Fixture f;
    auto reader = f.peer(300);
    f.world.duringWait = [&] { f.world.alive.erase(100); };
    auto waited = reader->protocol.waitForGenerationAbove(0, Deadline::after(20), nullptr);
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == ExitCode::NoSegment);
    CHECK(watches(f.world, 100));
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
             f.world.alive.erase(100);
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
