// SPDX-License-Identifier: BSD-3-Clause
// Whether a holder is alive (protocol/holder_liveness), the one answer the listing, removal,
// attach and adoption share: on real OFD locks on a key file in a scratch TMPDIR (through the key
// file, its anchor, and /proc once both are removed), against the fake participant seam, and for
// the PID records of older formats.
#include "protocol/holder_liveness.h"

#include "sys/key_file.h"
#include "sys/participant_lock.h"
#include "sys/process_identity.h"

#include "fake_protocol_os.h"
#include "unit_support.h"

#include <optional>
#include <unistd.h>

using namespace shmtools::detail;
using unit::ScratchKey;

namespace {

/// A holder of the scratch key played by a participant lock of this process on its segment key
/// file; `release()` lets the lock go, as the holder's death would.
struct PlayedHolder {
    ScratchKey scratch;
    FileIdentity keyFile{};
    std::optional<ParticipantLock> lock;
    std::uint64_t token = 0;

    PlayedHolder()
    {
        auto file = ensureKeyFile(scratch.names.segmentKeyFile, scratch.names, "segment");
        REQUIRE(file);
        keyFile = file->id;
        auto taken = ParticipantLock::take(scratch.names.segmentKeyFile, keyFile, scratch.names.key);
        REQUIRE(taken);
        token = taken->token();
        lock.emplace(std::move(*taken));
    }
    void release() { lock.reset(); }
    /// The header's record of this holder, made in PID namespace `pidNamespace`.
    HolderRecord record(std::uint64_t pidNamespace = pidNamespaceId()) const
    {
        return {{::getpid(), 0, token, pidNamespace}, keyFile, scratch.names.segmentKeyFile, layout::kFormatVersion};
    }
    void removeKeyFile() const { REQUIRE(::unlink(scratch.names.segmentKeyFile.c_str()) == 0); }
    void anchorKeyFile() const
    {
        REQUIRE(::link(scratch.names.segmentKeyFile.c_str(), anchorPathFor(scratch.names.segmentKeyFile).c_str()) == 0);
    }
};

} // namespace

TEST_CASE("holder liveness: a holder's lock on its key file is its life", "[holder_liveness]")
{
    PlayedHolder holder;
    const HolderLiveness alive = holderLiveness(holder.record());
    CHECK(alive.liveness == Liveness::Alive);
    CHECK(alive.pid == ::getpid());
    holder.release();
    CHECK(holderLiveness(holder.record()).liveness == Liveness::Dead);
}

TEST_CASE("holder liveness: a record naming nobody (token 0) is no live holder", "[holder_liveness]")
{
    PlayedHolder holder;
    HolderRecord record = holder.record();
    record.holder.token = 0;
    CHECK(holderLiveness(record).liveness == Liveness::Dead);
}

TEST_CASE("holder liveness: with the key file removed, the holder's anchor answers", "[holder_liveness]")
{
    PlayedHolder holder;
    holder.anchorKeyFile();
    holder.removeKeyFile();
    CHECK(holderLiveness(holder.record()).liveness == Liveness::Alive);
    holder.release();
    CHECK(holderLiveness(holder.record()).liveness == Liveness::Dead);
    ::unlink(anchorPathFor(holder.scratch.names.segmentKeyFile).c_str());
}

TEST_CASE("holder liveness: with key file and anchor removed, /proc shows the process holding the lock",
          "[holder_liveness]")
{
    PlayedHolder holder;
    holder.removeKeyFile(); // the holder keeps the removed file open, with its lock
    const HolderLiveness alive = holderLiveness(holder.record());
    CHECK(alive.liveness == Liveness::Alive);
    CHECK(alive.pid == ::getpid());
    holder.release();
    // Nobody holds the lock, and /proc shows every process of our PID namespace: dead. (Before,
    // a listing took "attached" for "alive" here, while --remove took the holder for dead.)
    CHECK(holderLiveness(holder.record()).liveness == Liveness::Dead);
    // Made in a PID namespace that /proc does not show: it may live there.
    const std::uint64_t unseen = pidNamespaceId() + 1;
    const HolderLiveness unknown = holderLiveness(holder.record(unseen));
    CHECK(unknown.liveness == Liveness::Unknown);
    CHECK(unknown.pid == 0);
}

TEST_CASE("holder liveness: our own participant's answer is final", "[holder_liveness]")
{
    // The fake's participants: only those in its world are alive, whatever the key file says.
    fake::World world;
    fake::FakeOs participant(world, 100);
    PlayedHolder holder; // alive on the real key file
    HolderRecord record = holder.record();
    CHECK(holderLiveness(record, &participant).liveness == Liveness::Dead);
    record.holder.token = fake::tokenFor(100);
    CHECK(holderLiveness(record, &participant).liveness == Liveness::Alive);
    world.kill(100);
    CHECK(holderLiveness(record, &participant).liveness == Liveness::Dead);
}

TEST_CASE("holder liveness: a record of format version 1 or 2 names its holder by PID and start time",
          "[holder_liveness]")
{
    fake::World world;
    fake::FakeOs participant(world, 100);
    const ProcessIdentity self = ProcessIdentity::self();
    HolderRecord record{{self.pid, 0, self.startTime, 0}, {}, "", 1};
    const HolderLiveness running = holderLiveness(record, &participant);
    CHECK(running.liveness == Liveness::Alive);
    CHECK(running.pid == self.pid);
    record.holder.token = self.startTime + 1; // the PID reused by another process
    CHECK(holderLiveness(record, &participant).liveness == Liveness::Dead);
    record.formatVersion = layout::kFormatVersion; // the same bytes read as a token: nobody's
    record.holder.token = self.startTime;
    CHECK(holderLiveness(record, &participant).liveness == Liveness::Dead);
}
