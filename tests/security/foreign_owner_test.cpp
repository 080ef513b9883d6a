// SPDX-License-Identifier: BSD-3-Clause
// No one else's segment: if what sits under our key belongs to another user, or is open to
// group or others, every tool refuses with exit 9 before reading or writing a byte. The planted
// segments carry a valid, live-looking shm-tools header, so that a tool without the check
// would really read from them and load into them; afterwards their bytes are compared, all of
// them, with what was planted.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "format/checksum.h"
#include "sys/participant_lock.h"

#include "protocol/segment_attach.h"
#include "support/catch_compat.h"

#include <sys/stat.h>

#include <csignal>
#include <fcntl.h>
#include <cstring>
#include <fstream>
#include <sys/ipc.h>
#include <sys/shm.h>

using namespace shmtools::detail;

using namespace shmtest;

namespace {

constexpr std::uint64_t kCapacity = 4096;

/// The holder token of the planted header, a participant kept alive by holdToken().
constexpr std::uint64_t kPlantedToken = std::uint64_t{1} << 40;

/// Keeps kPlantedToken alive for the planter (a Qt program takes no participant lock): an OFD
/// lock on that byte of the key file, held while the returned descriptor is open.
int holdToken(const std::string &keyFile)
{
    const int fd = ::open(keyFile.c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(kPlantedToken);
    lock.l_len = 1;
    REQUIRE(::fcntl(fd, F_OFD_SETLK, &lock) == 0);
    return fd;
}

/// What the planted segment holds: a shm-tools header whose holder is the planting process
/// (alive), with a published version in slot 0, then that version's bytes.
std::string plantedImage(std::uint64_t segmentSize, pid_t planter, const std::string &content,
                         const layout::KeyIdentity &madeFor)
{
    layout::SegmentHeader header = layout::initialHeader(kCapacity);
    header.identity = madeFor;
    header.holder = {planter, 0, kPlantedToken, pidNamespaceId()};
    header.activeSlot = 0;
    header.slots[0].state = layout::SlotReady;
    header.slots[0].generation = 1;
    header.slots[0].length = content.size();
    header.slots[0].checksum = Checksum::of(content.data(), content.size());
    std::string image(segmentSize, '\0');
    std::memcpy(image.data(), &header, sizeof header);
    std::memcpy(image.data() + layout::kHeaderSize, content.data(), content.size());
    return image;
}

/// The identity a holder records for KEY whose key files are KEYFILE and SEMFILE in TEMPDIR.
layout::KeyIdentity identityFor(const std::string &key, const std::string &keyFile, const std::string &semFile,
                                const std::string &tempDir)
{
    const auto idOf = [](const std::string &path) {
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        return layout::FileId{static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
    };
    return keyIdentityOf(IpcNames{key, keyFile, semFile, tempDir}, idOf(keyFile), idOf(semFile));
}

/// Writes IMAGE over the segment behind KEYFILE with plain system calls (root may attach to
/// anyone's segment); the library would refuse, rightly.
void writeImage(const std::string &keyFile, const std::string &image)
{
    const key_t sysvKey = ::ftok(keyFile.c_str(), 'Q');
    REQUIRE(sysvKey != -1);
    const int shmid = ::shmget(sysvKey, 0, 0);
    REQUIRE(shmid != -1);
    void *address = ::shmat(shmid, nullptr, 0);
    REQUIRE(address != reinterpret_cast<void *>(-1));
    std::memcpy(address, image.data(), image.size());
    ::shmdt(address);
}

struct Scenario {
    const char *name;
    bool plantAsNobody;
    bool keyFilesOurs; ///< we (root) create the key files first; the planter reuses them
    const char *mode;
    const char *expected; ///< a fragment of every refusal
};

/// Runs every tool against the planted key; each must refuse with exit 9 and read nothing.
void checkAllRefuse(const std::string &key, const SharedScratchDir &shared, const char *expected)
{
    const std::string file = shared.write("input.bin", "data that must not reach the planted segment");
    const std::vector<std::pair<Tool, std::vector<std::string>>> calls{
        {Tool::Read, {}},
        {Tool::Read, {"--json"}},
        {Tool::Read, {"--info"}},
        {Tool::Read, {"--wait"}},
        {Tool::Read, {"--raw"}},
        {Tool::Read, {"--raw", "--all"}},
        {Tool::Load, {file}},
        {Tool::Load, {"-"}},
        {Tool::Load, {"--raw", file}},
        {Tool::Create, {"-s", "4K"}},
        {Tool::Create, {"-s", "4K", "-d"}},
    };
    for (const auto &[tool, extra] : calls) {
        std::vector<std::string> args{"-k", key, "-t", "3"};
        args.insert(args.end(), extra.begin(), extra.end());
        RunOptions options;
        options.env = {{"TMPDIR", shared.path()}};
        options.stdinData = "stdin data that must not reach the planted segment";
        options.timeoutSeconds = 30;
        const ProcessResult result = run(tool, args, options);
        INFO(describe(result));
        CHECK(result.exited(9));
        CHECK(result.out.empty()); // not a byte of the planted content
        CHECK(isOneLine(result.err));
        CHECK_THAT(result.err,
                   Catch::Matchers::ContainsSubstring("refusing") && Catch::Matchers::ContainsSubstring(expected));
    }
}

/// Plants SCENARIO's segment under a fresh key and checks that every tool refuses it with exit 9,
/// reading and writing nothing.
void checkPlantedIsRefused(const Scenario &scenario)
{
    CAPTURE(scenario.name);
    SharedScratchDir shared;
    const std::string key = uniqueKey("foreign");
    const std::string keyFile = shared.keyFile(key);
    const std::string semFile = shared.keyFile(key, true);
    if (scenario.keyFilesOurs) {
        shared.write(keyFile.substr(keyFile.rfind('/') + 1), "", 0640);
        shared.write(semFile.substr(semFile.rfind('/') + 1), "", 0640);
    }
    const std::uint64_t size = *layout::segmentSizeFor(kCapacity);
    std::vector<std::string> plant{binary(Tool::QtPeer), "plant", key, std::to_string(size), scenario.mode};
    RunOptions options;
    options.env = {{"TMPDIR", shared.path()}};
    Child planter(scenario.plantAsNobody ? asNobody(plant) : plant, options);
    REQUIRE(planter.waitFor(1, "ready", 20));
    INFO("planter: " << escaped(planter.err()));
    const IpcIds planted = IpcIds::of(keyFile, semFile);
    REQUIRE(planted.shmid != -1);

    // The planter's PID is setpriv's, which exec'd qt_peer: the same process.
    const std::string content = "secret of the segment's owner " + randomBytes(100, false);
    const std::string image =
        plantedImage(size, planter.pid(), content, identityFor(key, keyFile, semFile, shared.path()));
    layout::SegmentHeader header;
    std::memcpy(&header, image.data(), sizeof header);
    REQUIRE(layout::checkHeader(header, size).check == layout::HeaderCheck::Valid);
    const int tokenFd = holdToken(keyFile);
    writeImage(keyFile, image);

    const auto dump = [&] {
        std::vector<std::string> argv{binary(Tool::QtPeer), "dump", key};
        return run(scenario.plantAsNobody ? asNobody(argv) : argv, options);
    };
    const ProcessResult before = dump();
    REQUIRE_EXIT(before, 0);
    REQUIRE(before.out == image);

    checkAllRefuse(key, shared, scenario.expected);

    // Not a byte written: the owner finds exactly what was planted, under the same ids.
    const ProcessResult after = dump();
    CHECK_EXIT(after, 0);
    CHECK(after.out.size() == image.size());
    CHECK(after.out == image);
    const IpcIds still = IpcIds::of(keyFile, semFile);
    CHECK(still.shmid == planted.shmid);
    CHECK(still.semid == planted.semid);

    if (scenario.plantAsNobody && !scenario.keyFilesOurs) {
        // To its owner the planted segment is a perfectly good shm-tools segment: the refusals
        // above were for whose it is, not for what it holds. (Reading pins a slot, which writes
        // to the header, so this comes after the comparison.)
        const ProcessResult owner = run(asNobody({binary(Tool::Read), "-k", key, "-t", "3"}), options);
        CHECK_EXIT(owner, 0);
        CHECK(owner.out == content);
    }

    ::close(tokenFd);
    REQUIRE(planter.signal(SIGTERM));
    CHECK_EXIT(planter.wait(20), 0);
    INFO(planted.describe());
    CHECK(planted.gone());
    // The planter removed what it created; key files we made ourselves stay ours to remove.
    if (!scenario.keyFilesOurs)
        CHECK(shared.qipcFiles().empty());
}

} // namespace

TEST_CASE("a segment under our key owned by another user is refused with exit 9", "[security]")
{
    if (const std::string why = whyNobodyCannotRun(); !why.empty())
        SKIP(why);
    checkPlantedIsRefused(GENERATE(values<Scenario>({
        {"nobody's segment and key files in a shared TMPDIR", true, false, "0600", "owned by you"},
        {"nobody's segment behind key files we own", true, true, "0600", "belongs to uid"},
        {"nobody's segment, open to all, behind key files we own", true, true, "0666", "belongs to uid"},
    })));
}

TEST_CASE("our own segment under our key, open to others, is refused with exit 9", "[security]")
{
    checkPlantedIsRefused(GENERATE(values<Scenario>({
        {"our own segment, open to all (0666)", false, false, "0666", "open to other users"},
        {"our own segment, readable by the group (0640)", false, false, "0640", "open to other users"},
    })));
}
