// SPDX-License-Identifier: BSD-3-Clause
// The holder's create and adopt paths in one process, against a fake System V (FakeHolderOs) and
// the protocol's fake participants (fake_protocol_os.h): who holds the key, what shmget answers,
// what an orphan's header holds, decided here. Key files are real files in a scratch directory.
#include "protocol/holder.h"

#include "fake_protocol_os.h"
#include "protocol/segment_attach.h"
#include "sys/key_file.h"
#include "sys/participant_lock.h"

#include "support/catch_compat.h"
#include "support/message_checks.h"
#include "sys/interrupt.h"
#include "sys/semaphore.h"
#include "unit_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unistd.h>
#include <vector>

using namespace shmtools::detail;
using namespace shmtools::detail::layout;
using fake::FakeOs;
using fake::tokenFor;
using fake::World;
using shmtools::ErrorCode;
using shmtools::HolderOptions;
using shmtools::Result;
using shmtools::Status;

namespace {

constexpr std::uint64_t kCapacity = 4096;

/// The System V objects of the fake: segments by key, the semaphore, and what shmget answers.
struct Kernel {
    struct Segment {
        SegmentStatus status;
        std::vector<unsigned char> memory;
        std::uint64_t bytesInUse = 0;
    };
    World world;
    std::map<key_t, Segment> segments;
    bool semaphoreExists = false;
    std::set<key_t> otherSemaphores; ///< other keys' semaphore sets, by System V key
    bool holderMarked = false; ///< the holder marked itself on the key file (HolderOs::markHolder)
    int nextShmid = 1000;
    int shmgetError = 0; ///< 0: shmget succeeds (unless a segment exists: EEXIST)
    std::set<int> removed;
    /// The memory of removed segments: as after IPC_RMID, whoever attached keeps a valid mapping.
    std::vector<std::vector<unsigned char>> stillMapped;
    std::optional<ListedSegment> liveHolder;
    /// Run as findSegment looks (before the start anchors its key files): what a racing Qt
    /// program or cleaner does meanwhile.
    std::function<void()> whileFindingSegment;
    /// Opening the semaphore finds it removed meanwhile (NoSegment, as Semaphore::openUnder
    /// says when semget found it and IPC_STAT no longer does) this many more times.
    int semaphoreRemovedAsOpened = 0;
    /// Run as the holder marks itself; its answer is markHolder's (true if not set).
    std::function<bool()> whileMarking;

    Segment *byId(int shmid)
    {
        for (auto &[key, segment] : segments)
            if (segment.status.shmid == shmid)
                return &segment;
        return nullptr;
    }
    Segment &make(key_t key, std::uint64_t size)
    {
        Segment &segment = segments[key];
        segment.status = {nextShmid++, size, ::geteuid(), ::geteuid(), 0600, ::getpid(), 0, 0, 0, false};
        segment.memory.assign(size, 0);
        segment.bytesInUse = size;
        return segment;
    }
};

class FakeHolderOs final : public HolderOs {
public:
    FakeHolderOs(Kernel &kernel, pid_t pid) : m_kernel(kernel), m_pid(pid) {}

    Status openSemaphore(const IpcNames &names, const KeyFile &, bool *made) override
    {
        if (m_kernel.semaphoreRemovedAsOpened > 0) {
            --m_kernel.semaphoreRemovedAsOpened;
            *made = false;
            return makeError(ErrorCode::NoSegment, names.key + ": fake: semaphore removed as it was opened");
        }
        *made = !m_kernel.semaphoreExists;
        m_kernel.semaphoreExists = true;
        return {};
    }
    void removeSemaphore() override { m_kernel.semaphoreExists = false; }
    void removeSemaphoreIfNeverUsed() override { m_kernel.semaphoreExists = false; }
    bool markHolder(bool) override
    {
        m_kernel.holderMarked = true;
        return !m_kernel.whileMarking || m_kernel.whileMarking();
    }
    Result<ProtocolOs *> participate(const IpcNames &, const KeyFile &) override
    {
        m_os = std::make_unique<FakeOs>(m_kernel.world, m_pid);
        return static_cast<ProtocolOs *>(m_os.get());
    }
    std::optional<ListedSegment> findLiveHolder(const IpcNames &) override { return m_kernel.liveHolder; }
    Result<int> findSegment(const IpcNames &names) override
    {
        if (m_kernel.whileFindingSegment)
            m_kernel.whileFindingSegment();
        auto keyFile = keyFileAt(names.segmentKeyFile, names, "segment");
        if (!keyFile)
            return keyFile.error();
        const auto found = m_kernel.segments.find(keyFile->key);
        if (found == m_kernel.segments.end())
            return makeError(ErrorCode::NoSegment, names.key + ": fake: no segment");
        return found->second.status.shmid;
    }
    Result<SegmentStatus> statSegment(int shmid, const IpcNames &names) override
    {
        if (Kernel::Segment *segment = m_kernel.byId(shmid))
            return segment->status;
        return makeError(ErrorCode::NoSegment, names.key + ": fake: no segment " + std::to_string(shmid));
    }
    bool segmentExists(key_t key) override { return m_kernel.segments.count(key) != 0; }
    bool semaphoreExists(key_t key) override { return m_kernel.semaphoreExists || m_kernel.otherSemaphores.count(key); }
    std::vector<KeyIdentity> recordedIdentities() override
    {
        std::vector<KeyIdentity> identities;
        for (const auto &[key, segment] : m_kernel.segments) {
            SegmentHeader header{};
            if (segment.memory.size() < sizeof header)
                continue;
            std::memcpy(&header, segment.memory.data(), sizeof header);
            if (checkHeader(header, segment.memory.size()).check == HeaderCheck::Valid)
                identities.push_back(header.identity);
        }
        return identities;
    }
    NewSegment createSegmentExclusive(key_t key, std::uint64_t size) override
    {
        const int error = m_kernel.segments.count(key) ? EEXIST : m_kernel.shmgetError;
        if (error != 0) {
            errno = error; // as shmget leaves it: a caller reading errno later sees what came after
            return {-1, error};
        }
        return {m_kernel.make(key, size).status.shmid, 0};
    }
    Result<unsigned char *> attach(int shmid, std::uint64_t, const IpcNames &names) override
    {
        Kernel::Segment *segment = m_kernel.byId(shmid);
        if (!segment)
            return makeError(ErrorCode::Failure, names.key + ": fake: cannot attach");
        ++segment->status.attachments;
        return segment->memory.data();
    }
    Result<Mapped> mapSegment(const IpcNames &names) override
    {
        auto shmid = findSegment(names);
        if (!shmid)
            return shmid.error();
        auto status = statSegment(*shmid, names);
        if (!status)
            return status.error();
        if (auto owned = requireOwnedSegment(*status, names); !owned)
            return owned.error();
        auto data = attach(*shmid, status->size, names);
        if (!data)
            return data.error();
        return Mapped{*status, *data};
    }
    std::optional<std::uint64_t> segmentBytesInUse(int shmid) override
    {
        if (Kernel::Segment *segment = m_kernel.byId(shmid))
            return segment->bytesInUse;
        return std::nullopt;
    }
    bool copySegmentStart(int shmid, void *out, std::size_t bytes) override
    {
        Kernel::Segment *segment = m_kernel.byId(shmid);
        if (!segment)
            return false;
        std::memcpy(out, segment->memory.data(), std::min(bytes, segment->memory.size()));
        return true;
    }
    void removeSegment(int shmid) override
    {
        for (auto it = m_kernel.segments.begin(); it != m_kernel.segments.end(); ++it)
            if (it->second.status.shmid == shmid) {
                m_kernel.removed.insert(shmid);
                m_kernel.stillMapped.push_back(std::move(it->second.memory));
                m_kernel.segments.erase(it);
                return;
            }
    }

private:
    Kernel &m_kernel;
    pid_t m_pid;
    std::unique_ptr<FakeOs> m_os;
};

struct Scratch {
    QTemporaryDir dir;
    IpcNames names;
    Kernel kernel;
    Scratch()
    {
        const std::string path = dir.path().toStdString();
        names = IpcNames{"unit-key", path + "/qipc_sharedmemory_unit", path + "/qipc_systemsem_unit", path};
    }
    Result<std::unique_ptr<Holder>> start(pid_t pid, std::uint64_t capacity = kCapacity)
    {
        HolderOptions options;
        options.capacity = capacity;
        return Holder::start(names, options, std::make_unique<FakeHolderOs>(kernel, pid));
    }
    bool anchorsExist() const
    {
        return ::access(anchorPathFor(names.segmentKeyFile).c_str(), F_OK) == 0 ||
               ::access(anchorPathFor(names.semaphoreKeyFile).c_str(), F_OK) == 0;
    }
    bool keyFilesExist() const
    {
        return ::access(names.segmentKeyFile.c_str(), F_OK) == 0 ||
               ::access(names.semaphoreKeyFile.c_str(), F_OK) == 0;
    }
    /// A running holder's segment of another key (in another TMPDIR) under the System V key
    /// `under`, whose header records the key files `segmentFile` and `semaphoreFile`.
    Kernel::Segment &anotherKeysSegment(key_t under, const FileIdentity &segmentFile, const FileIdentity &semaphoreFile)
    {
        const IpcNames other{"other-key", "/elsewhere/seg", "/elsewhere/sem", "/elsewhere"};
        const KeyIdentity identity = keyIdentityOf(other, segmentFile, semaphoreFile);
        Kernel::Segment &segment = kernel.make(under, *segmentSizeFor(kCapacity));
        FakeOs holderOs(kernel.world, 300);
        SlotProtocol(segment.memory.data(), segment.memory.size(), holderOs, other.key, identity)
            .initialise(kCapacity, identity);
        return segment;
    }
    /// A segment under the key as holder PID left it (alive or not: the world decides), with
    /// `versions` loads published by PID + 1; its header records `identity`, the key's own if none.
    Kernel::Segment &orphanOf(pid_t pid, int versions, std::optional<KeyIdentity> identity = std::nullopt)
    {
        auto segmentFile = ensureKeyFile(names.segmentKeyFile, names, "segment");
        auto semaphoreFile = ensureKeyFile(names.semaphoreKeyFile, names, "semaphore");
        REQUIRE(segmentFile);
        REQUIRE(semaphoreFile);
        kernel.semaphoreExists = true;
        const KeyIdentity own = keyIdentityOf(names, segmentFile->id, semaphoreFile->id);
        Kernel::Segment &segment = kernel.make(segmentFile->key, *segmentSizeFor(kCapacity));
        FakeOs holderOs(kernel.world, pid);
        SlotProtocol holder(segment.memory.data(), segment.memory.size(), holderOs, names.key, own);
        holder.initialise(kCapacity, identity.value_or(own));
        FakeOs loaderOs(kernel.world, pid + 1);
        SlotProtocol loader(segment.memory.data(), segment.memory.size(), loaderOs, names.key, std::nullopt);
        for (int i = 0; i < versions; ++i) {
            auto claim = loader.claim(Deadline::after(1));
            REQUIRE(claim.ok());
            REQUIRE(loader.publish(*claim, {10, 42, "src"}, Deadline::after(1)).ok());
        }
        return segment;
    }
};

} // namespace

TEST_CASE("holder: creates the segment when the key is free, and removes everything when it stops", "[holder]")
{
    Scratch s;
    {
        auto holder = s.start(100);
        REQUIRE(holder.ok());
        CHECK_FALSE((*holder)->adopted());
        CHECK((*holder)->capacity() == kCapacity);
        REQUIRE(s.kernel.segments.size() == 1);
        CHECK(s.kernel.segments.begin()->second.status.shmid == (*holder)->shmid());
        CHECK(s.kernel.semaphoreExists);
        CHECK(s.kernel.holderMarked); // --remove finds it even if its header is overwritten
        // The header is written, naming this holder, under the key's own identity.
        SegmentHeader header;
        std::memcpy(&header, s.kernel.segments.begin()->second.memory.data(), sizeof header);
        CHECK(checkHeader(header, s.kernel.segments.begin()->second.memory.size()).check == HeaderCheck::Valid);
        CHECK(header.holder.token == tokenFor(100));
        CHECK(header.capacity == kCapacity);
    }
    CHECK(s.kernel.segments.empty());
    CHECK(s.kernel.removed.size() == 1);
    CHECK_FALSE(s.kernel.semaphoreExists);
    CHECK_FALSE(s.keyFilesExist());
}

// A Qt program's create() that gives up removes the key file it made,
// also while a holder starts on it. A start that loses a key file before it could anchor it
// starts again (what it made goes), and ends anchored on the key files it uses; one that loses
// every time fails (never NoSegment, which would tell the user to start a holder), leaving
// nothing behind.
TEST_CASE("holder: a key file removed before it is anchored is a race the start wins: it starts again",
          "[holder]")
{
    Scratch s;
    int looks = 0;
    s.kernel.whileFindingSegment = [&] {
        if (looks++ == 0)
            ::unlink(s.names.segmentKeyFile.c_str());
    };
    {
        auto holder = s.start(100);
        REQUIRE(holder.ok());
        CHECK(looks >= 2);
        for (const std::string &path : {s.names.segmentKeyFile, s.names.semaphoreKeyFile}) {
            const auto id = ownRegularFileAt(path);
            REQUIRE(id);
            CHECK(isSameFile(anchorPathFor(path), *id));
        }
        CHECK(s.kernel.segments.size() == 1);
        CHECK(s.kernel.semaphoreExists);
    }
    CHECK(s.kernel.segments.empty());
    CHECK_FALSE(s.kernel.semaphoreExists);
    CHECK_FALSE(s.keyFilesExist());
    CHECK_FALSE(s.anchorsExist());
}

// Seen in CI: the Qt create() storm removed the semaphore between
// the holder's semget and its IPC_STAT. That is the same lost race: the start begins again.
TEST_CASE("holder: a semaphore removed as the start opens it is a race the start wins: it starts again",
          "[holder]")
{
    Scratch s;
    s.kernel.semaphoreRemovedAsOpened = 2;
    {
        auto holder = s.start(100);
        REQUIRE(holder.ok());
        CHECK(s.kernel.semaphoreRemovedAsOpened == 0);
        CHECK(s.kernel.segments.size() == 1);
        CHECK(s.kernel.semaphoreExists);
        CHECK(s.keyFilesExist());
    }
    CHECK(s.kernel.segments.empty());
    CHECK_FALSE(s.keyFilesExist());
    CHECK_FALSE(s.anchorsExist());
}

TEST_CASE("holder: key files removed at every start attempt end it as a failure naming why, nothing left",
          "[holder]")
{
    Scratch s;
    s.kernel.whileFindingSegment = [&] { ::unlink(s.names.segmentKeyFile.c_str()); };
    auto holder = s.start(100);
    REQUIRE_FALSE(holder.ok());
    CHECK(holder.error().code == ErrorCode::Failure);
    CHECK(holder.error().message.find("were removed 10 times while it started") != std::string::npos);
    CHECK(s.kernel.segments.empty());
    CHECK_FALSE(s.kernel.semaphoreExists);
    CHECK_FALSE(s.keyFilesExist());
    CHECK_FALSE(s.anchorsExist());
}

// Two holders starting at the same instant in two IPC namespaces on one
// TMPDIR: both find no segment and no mark, both make a segment (each in its namespace); the
// second to mark finds the first's mark. It goes, and leaves the key files and anchors, which
// are the first's, in place.
TEST_CASE("holder: a start whose mark another holder took meanwhile is refused, that holder's key files left",
          "[holder]")
{
    Scratch s;
    std::optional<ParticipantLock> other; // the holder that marked first, through its own description
    s.kernel.whileMarking = [&] {
        auto taken = ParticipantLock::take(s.names.segmentKeyFile, *ownRegularFileAt(s.names.segmentKeyFile), "other");
        REQUIRE(taken);
        other.emplace(std::move(*taken));
        REQUIRE(other->markHolder());
        return false;
    };
    auto holder = s.start(100);
    REQUIRE_FALSE(holder.ok());
    CHECK(holder.error().code == ErrorCode::KeyHeld);
    CHECK(holder.error().message.find("another IPC namespace") != std::string::npos);
    CHECK(s.kernel.segments.empty());
    CHECK_FALSE(s.kernel.semaphoreExists);
    for (const std::string &path : {s.names.segmentKeyFile, s.names.semaphoreKeyFile}) {
        const auto id = ownRegularFileAt(path);
        REQUIRE(id);
        CHECK(isSameFile(anchorPathFor(path), *id));
    }
}

TEST_CASE("holder: a key whose holder runs is refused as held, and nothing of it is touched", "[holder]")
{
    Scratch s;
    s.orphanOf(100, 1); // holder 100 is alive in the world
    const auto before = s.kernel.segments.begin()->second.memory;
    auto second = s.start(200);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::KeyHeld);
    CHECK(second.error().pid == 100);
    CHECK(toolWordIn(second.error().message).empty());
    REQUIRE(s.kernel.segments.size() == 1);
    CHECK(s.kernel.segments.begin()->second.memory == before);
    CHECK(s.kernel.removed.empty());
    CHECK(s.kernel.semaphoreExists); // not made by this start: not its to remove
}

TEST_CASE("holder: a second start while the first runs is refused as held", "[holder]")
{
    Scratch s;
    auto first = s.start(100);
    REQUIRE(first.ok());
    auto second = s.start(200);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::KeyHeld);
    CHECK(s.kernel.segments.size() == 1);
}

TEST_CASE("holder: the orphan of a dead holder is adopted with its content", "[holder]")
{
    Scratch s;
    s.orphanOf(100, 3);
    s.kernel.world.kill(100);
    const int shmid = s.kernel.segments.begin()->second.status.shmid;
    auto holder = s.start(200, 1); // the capacity asked for gives way to the orphan's
    REQUIRE(holder.ok());
    CHECK((*holder)->adopted());
    CHECK((*holder)->shmid() == shmid);
    CHECK((*holder)->keptVersion().generation == 3);
    CHECK((*holder)->keptVersion().length == 10);
    CHECK((*holder)->capacity() == kCapacity);
    SegmentHeader header;
    std::memcpy(&header, s.kernel.segments.begin()->second.memory.data(), sizeof header);
    CHECK(header.holder.token == tokenFor(200)); // the adopter signed it
}

TEST_CASE("holder: an orphan recording another key's identity is refused, untouched", "[holder]")
{
    Scratch s;
    const IpcNames other{"other-key", "/elsewhere/seg", "/elsewhere/sem", "/elsewhere"};
    s.orphanOf(100, 1, keyIdentityOf(other, {1, 11}, {1, 12}));
    s.kernel.world.kill(100);
    const auto before = s.kernel.segments.begin()->second.memory;
    auto holder = s.start(200);
    REQUIRE_FALSE(holder.ok());
    CHECK(holder.error().code == ErrorCode::Unsafe);
    CHECK(holder.error().message.find("ftok collision") != std::string::npos);
    CHECK(s.kernel.segments.begin()->second.memory == before);
    CHECK(s.kernel.removed.empty());
}

TEST_CASE("holder: a key file whose System V key another key's segment uses is replaced, that segment untouched",
          "[holder]")
{
    Scratch s;
    auto keyFile = ensureKeyFile(s.names.segmentKeyFile, s.names, "segment");
    REQUIRE(keyFile);
    // Another key's holder in another TMPDIR, whose key file differs from ours in the inode's
    // upper bits only: ftok() gives both the same System V key.
    const FileIdentity aliasing{keyFile->id.device, keyFile->id.inode + 0x10000};
    REQUIRE(qtKeyOf(aliasing.device, aliasing.inode) == keyFile->key);
    Kernel::Segment &taken = s.anotherKeysSegment(keyFile->key, aliasing, {aliasing.device, aliasing.inode + 1});
    const auto before = taken.memory;
    const int takenShmid = taken.status.shmid;

    auto holder = s.start(200);
    REQUIRE(holder.ok());
    CHECK_FALSE((*holder)->adopted());
    CHECK((*holder)->shmid() != takenShmid);
    auto now = keyFileAt(s.names.segmentKeyFile, s.names, "segment");
    REQUIRE(now);
    CHECK(now->key != keyFile->key);
    CHECK(now->id.inode != keyFile->id.inode);
    CHECK(s.kernel.segments.at(keyFile->key).memory == before);
    CHECK(s.kernel.removed.empty());
    // Nothing but the key files and their anchors in TMPDIR: no stray file of the replacement.
    CHECK(QDir(s.dir.path()).entryList(QDir::Files | QDir::Hidden).size() == 4);
}

TEST_CASE("holder: a semaphore key file whose System V key another key's segment records is replaced", "[holder]")
{
    Scratch s;
    auto keyFile = ensureKeyFile(s.names.semaphoreKeyFile, s.names, "semaphore");
    REQUIRE(keyFile);
    // Another key's holder records a semaphore key file that ftok() cannot tell from ours.
    s.kernel.otherSemaphores.insert(keyFile->key);
    s.anotherKeysSegment(0x12345, {keyFile->id.device, 1}, {keyFile->id.device, keyFile->id.inode + 0x10000});

    auto holder = s.start(200);
    REQUIRE(holder.ok());
    auto now = keyFileAt(s.names.semaphoreKeyFile, s.names, "semaphore");
    REQUIRE(now);
    CHECK(now->key != keyFile->key);
    CHECK(QDir(s.dir.path()).entryList(QDir::Files | QDir::Hidden).size() == 4);
}

TEST_CASE("holder: a key file its own key's orphan records is kept, whatever another key records", "[holder]")
{
    Scratch s;
    s.orphanOf(100, 2);
    s.kernel.world.kill(100);
    const auto before = keyFileAt(s.names.segmentKeyFile, s.names, "segment");
    REQUIRE(before);
    // Another key's segment elsewhere records a file ftok() cannot tell from ours: the orphan
    // under our key, made through our very file, still decides.
    s.anotherKeysSegment(0x12345, {before->id.device, before->id.inode + 0x10000}, {before->id.device, 1});
    auto holder = s.start(200);
    REQUIRE(holder.ok());
    CHECK((*holder)->adopted());
    auto now = keyFileAt(s.names.segmentKeyFile, s.names, "segment");
    REQUIRE(now);
    CHECK(now->id.inode == before->id.inode);
}

TEST_CASE("holder: an orphan not made by shm-tools is named, or held if someone is attached", "[holder]")
{
    Scratch s;
    Kernel::Segment &foreign = s.orphanOf(100, 0);
    std::memset(foreign.memory.data(), 'Q', 64); // a plain Qt program's bytes where the header goes
    s.kernel.world.kill(100);
    SECTION("nobody attached: InvalidContent, with the ipcrm line")
    {
        auto holder = s.start(200);
        REQUIRE_FALSE(holder.ok());
        CHECK(holder.error().code == ErrorCode::InvalidContent);
        CHECK(holder.error().message.find("not made by shm-tools") != std::string::npos);
        CHECK(holder.error().message.find("ipcrm -m " + std::to_string(foreign.status.shmid)) != std::string::npos);
    }
    SECTION("a program attached: held by another program")
    {
        foreign.status.attachments = 1;
        auto holder = s.start(200);
        REQUIRE_FALSE(holder.ok());
        CHECK(holder.error().code == ErrorCode::KeyHeld);
    }
    CHECK(s.kernel.removed.empty());
}

TEST_CASE("holder: a segment whose creator died before its header is replaced, not adopted", "[holder]")
{
    Scratch s;
    Kernel::Segment &halfMade = s.orphanOf(100, 0);
    std::fill(halfMade.memory.begin(), halfMade.memory.end(), 0);
    halfMade.bytesInUse = 0; // no page ever touched
    const int old = halfMade.status.shmid;
    auto holder = s.start(200);
    REQUIRE(holder.ok());
    CHECK_FALSE((*holder)->adopted());
    CHECK(s.kernel.removed.count(old) == 1);
    CHECK((*holder)->shmid() != old);
}

TEST_CASE("holder: shmget's refusal is named by its own errno, whatever the lock's release left in errno",
          "[holder]")
{
    // The errno, once read after the lock's destructor had run semop, named the wrong
    // cause. Here the fake's unlock leaves EIDRM in errno, as semop may.
    struct Case {
        int error;
        ErrorCode code;
        const char *named; ///< what the message says the cause is
    };
    const Case cases[] = {
        {ENOSPC, ErrorCode::Failure, "ENOSPC"},          // a system-wide limit
        {ENOMEM, ErrorCode::Usage, "not enough memory"}, // a smaller capacity helps
        {EACCES, ErrorCode::Unsafe, "another user"},     // another user's segment under the key
    };
    for (const Case &c : cases) {
        INFO("shmget fails with " << std::strerror(c.error));
        Scratch s;
        s.kernel.world.errnoAfterUnlock = EIDRM;
        s.kernel.shmgetError = c.error;
        auto holder = s.start(100);
        REQUIRE_FALSE(holder.ok());
        CHECK(holder.error().code == c.code);
        CHECK(holder.error().message.find(c.named) != std::string::npos);
        CHECK(holder.error().message.find(std::strerror(EIDRM)) == std::string::npos);
        // Nothing is left: no segment, the semaphore this start made removed, its key files gone.
        CHECK(s.kernel.segments.empty());
        CHECK_FALSE(s.kernel.semaphoreExists);
        CHECK_FALSE(s.keyFilesExist());
    }
}

TEST_CASE("holder: a holder whose key files were replaced still holds the key", "[holder]")
{
    Scratch s;
    ListedSegment running;
    running.shmid = 77;
    running.holderPid = 4242;
    running.holderAlive = true;
    running.identity.segmentKeyFile = {999, 999}; // the inode of the removed key file
    s.kernel.liveHolder = running;
    auto holder = s.start(100);
    REQUIRE_FALSE(holder.ok());
    CHECK(holder.error().code == ErrorCode::KeyHeld);
    CHECK(holder.error().pid == 4242);
    CHECK(holder.error().message.find("were removed") != std::string::npos);
    CHECK(s.kernel.segments.empty());
    CHECK_FALSE(s.kernel.semaphoreExists);
    CHECK_FALSE(s.keyFilesExist());
}

TEST_CASE("holder: a start ended by an interrupt removes the semaphore it made", "[holder]")
{
    // On the real System V: an interrupt ends every lock wait at once, the one that would have
    // removed the semaphore too, which then stayed for good (set, never taken, its key file
    // gone); leaks.check found it after the signals cases now and then.
    unit::ScratchKey scratch;
    auto keyFile = ensureKeyFile(scratch.names.semaphoreKeyFile, scratch.names, "semaphore");
    REQUIRE(keyFile);
    unit::ChildProcess starter([&names = scratch.names](int readyFd, int) {
        installInterruptHandlers();
        ::raise(SIGINT); // as if Ctrl-C came as the start began
        shmtools::HolderOptions options;
        options.capacity = 4096;
        auto started = Holder::start(names, options);
        unit::ChildProcess::tellReady(readyFd);
        return started ? 1 : started.error().code == shmtools::ErrorCode::Interrupted ? 0 : 2;
    });
    REQUIRE(starter.ready());
    CHECK(starter.wait() == 0);
    CHECK_FALSE(semaphoreExistsUnder(keyFile->key));
}
