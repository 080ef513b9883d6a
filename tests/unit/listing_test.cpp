// SPDX-License-Identifier: BSD-3-Clause
// The public listing (api/listing): which of this user's segments it reports, in which order,
// and what it adds to each: whether its key was recorded whole, whether it was made under this
// process's TMPDIR, and only then its key file and semaphore. On the real System V (it reads
// /proc/sysvipc/shm): holders in this process (and one in a child, killed to leave an orphan)
// under keys named as IpcNames derives them from a TMPDIR of the case's own, set for the case
// and restored; everything under them removed at the end.
#include <shmtools/listing.h>

#include "protocol/holder.h"

#include "holder_support.h"
#include "unit_support.h"

#include <QTemporaryDir>
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace shmtools::detail;
using shmtools::SegmentSummary;
using unit::ChildProcess;
using unit::holderInChild;
using unit::startHolder;

namespace {

constexpr std::uint64_t kCapacity = unit::kHolderCapacity; // what startHolder() makes

/// A TMPDIR of the case's own, set while it lives; the previous one back afterwards.
class ScratchTempDir {
public:
    ScratchTempDir()
    {
        REQUIRE(m_dir.isValid());
        enter();
    }
    ~ScratchTempDir() { m_saved ? ::setenv("TMPDIR", m_saved->c_str(), 1) : ::unsetenv("TMPDIR"); }
    ScratchTempDir(const ScratchTempDir &) = delete;
    ScratchTempDir &operator=(const ScratchTempDir &) = delete;
    /// Makes it this process's TMPDIR (again).
    void enter() { ::setenv("TMPDIR", path().c_str(), 1); }
    std::string path() const { return m_dir.path().toStdString(); }

private:
    std::optional<std::string> m_saved = [] {
        const char *value = std::getenv("TMPDIR");
        return value ? std::optional<std::string>(value) : std::nullopt;
    }();
    QTemporaryDir m_dir; // made under the TMPDIR of before
};

/// A key as the tools name it under the current TMPDIR; at the end of the scope, whatever a
/// failed case left under it is removed (the key files go with their directory).
struct Key {
    IpcNames names;
    explicit Key(const std::string &key)
    {
        auto derived = ipcNamesFor(key);
        REQUIRE(derived);
        names = *derived;
    }
    ~Key()
    {
        if (auto shmid = findSegment(names))
            removeSegment(*shmid);
        if (auto semaphore = Semaphore::open(names))
            semaphore->remove();
    }
    Key(const Key &) = delete;
    Key &operator=(const Key &) = delete;
};

/// The listing, narrowed to the segments `shmids` (other tests and users have theirs), in its order.
std::vector<SegmentSummary> listedAmong(const std::vector<int> &shmids)
{
    auto all = shmtools::listSegments();
    REQUIRE(all);
    std::vector<SegmentSummary> ours;
    for (SegmentSummary &summary : *all)
        if (std::find(shmids.begin(), shmids.end(), summary.shmid) != shmids.end())
            ours.push_back(std::move(summary));
    return ours;
}

SegmentSummary listed(int shmid)
{
    auto ours = listedAmong({shmid});
    REQUIRE(ours.size() == 1);
    return ours.front();
}

} // namespace

TEST_CASE("listing: a segment made under this TMPDIR comes with its key file, semaphore and latest version",
          "[listing]")
{
    ScratchTempDir tempDir;
    Key key("listing-here");
    const auto holder = startHolder(key.names);
    {
        SlotProtocol &protocol = *holder->protocol();
        auto claim = protocol.claim(Deadline::after(30));
        REQUIRE(claim);
        REQUIRE(protocol.publish(*claim, {10, 42, "src"}, Deadline::after(30)));
    }
    const SegmentSummary summary = listed(holder->shmid());
    CHECK(summary.key == "listing-here");
    CHECK(summary.keyComplete);
    CHECK(summary.tempDir == key.names.tempDir);
    CHECK(summary.underThisTempDir);
    CHECK(summary.nativeKey == key.names.segmentKeyFile);
    auto semaphore = Semaphore::open(key.names);
    REQUIRE(semaphore);
    CHECK(summary.semid == semaphore->id());
    CHECK(summary.segmentSize == *layout::segmentSizeFor(kCapacity));
    CHECK(summary.attachments == 1);
    CHECK(summary.capacity == kCapacity);
    CHECK(summary.generation == 1);
    CHECK(summary.length == 10);
    CHECK(summary.holderPid == ::getpid());
    CHECK(summary.holderAlive);
}

TEST_CASE("listing: a segment of another TMPDIR is listed, without a key file or semaphore to reach it by", "[listing]")
{
    ScratchTempDir first;
    Key key("listing-elsewhere");
    const auto holder = startHolder(key.names);
    ScratchTempDir second; // this process's TMPDIR from now on
    const SegmentSummary summary = listed(holder->shmid());
    CHECK(summary.key == "listing-elsewhere");
    CHECK(summary.tempDir == first.path());
    CHECK_FALSE(summary.underThisTempDir);
    CHECK(summary.nativeKey.empty());
    CHECK(summary.semid == -1);
    CHECK(summary.holderAlive);
    SECTION("and back under its TMPDIR, it has them again")
    {
        first.enter();
        const SegmentSummary again = listed(holder->shmid());
        CHECK(again.underThisTempDir);
        CHECK(again.nativeKey == key.names.segmentKeyFile);
        CHECK(again.semid != -1);
    }
}

TEST_CASE("listing: a key too long to be recorded whole is marked shortened, and no key file is guessed for it",
          "[listing]")
{
    ScratchTempDir tempDir;
    // Digits: Qt names the key file after the letters of a key only, so its name stays short.
    const std::string longKey = "listing-long-" + std::string(layout::kKeyTextSize, '7');
    Key key(longKey);
    const auto holder = startHolder(key.names);
    const SegmentSummary summary = listed(holder->shmid());
    CHECK_FALSE(summary.keyComplete);
    CHECK(summary.key.size() < longKey.size());
    CHECK(summary.underThisTempDir);
    CHECK(summary.nativeKey.empty()); // the shortened key's file would be another key's
    CHECK(summary.semid == -1);
    CHECK(summary.holderAlive);
}

TEST_CASE("listing: a segment whose semaphore is gone is listed with its key file, its semaphore unknown", "[listing]")
{
    ScratchTempDir tempDir;
    Key key("listing-no-semaphore");
    const auto holder = startHolder(key.names);
    auto semaphore = Semaphore::open(key.names);
    REQUIRE(semaphore);
    semaphore->remove(); // RemoveIPC at logout, or by hand; this holder does not serve to restore it
    const SegmentSummary summary = listed(holder->shmid());
    CHECK(summary.nativeKey == key.names.segmentKeyFile);
    CHECK(summary.semid == -1);
}

TEST_CASE("listing: segments come in shmid order, an orphan among them as such, a plain segment left out", "[listing]")
{
    ScratchTempDir tempDir;
    Key first("listing-first");
    Key second("listing-second");
    Key orphaned("listing-orphan");
    Key plain("listing-plain");
    const auto holderOfFirst = startHolder(first.names);
    ChildProcess child(holderInChild(orphaned.names));
    REQUIRE(child.ready());
    const pid_t orphanHolder = child.pid();
    ::kill(orphanHolder, SIGKILL);
    REQUIRE(child.wait() == 100 + SIGKILL);
    const auto holderOfSecond = startHolder(second.names);
    auto plainKeyFile = ensureKeyFile(plain.names.segmentKeyFile, plain.names, "segment");
    REQUIRE(plainKeyFile);
    const NewSegment plainSegment = createSegmentExclusive(plainKeyFile->key, kCapacity);
    REQUIRE(plainSegment.shmid != -1);
    auto orphanShmid = findSegment(orphaned.names);
    REQUIRE(orphanShmid);

    const std::vector<int> made{holderOfSecond->shmid(), *orphanShmid, holderOfFirst->shmid(), plainSegment.shmid};
    const std::vector<SegmentSummary> ours = listedAmong(made);
    REQUIRE(ours.size() == 3);
    CHECK(std::is_sorted(ours.begin(), ours.end(), [](const auto &a, const auto &b) { return a.shmid < b.shmid; }));
    for (const SegmentSummary &summary : ours) {
        CHECK(summary.shmid != plainSegment.shmid);
        if (summary.shmid == *orphanShmid) {
            CHECK(summary.key == "listing-orphan");
            CHECK_FALSE(summary.holderAlive);
            CHECK(summary.holderPid == orphanHolder);
            CHECK(summary.attachments == 0);
        } else {
            CHECK(summary.holderAlive);
            CHECK(summary.holderPid == ::getpid());
        }
    }
}
