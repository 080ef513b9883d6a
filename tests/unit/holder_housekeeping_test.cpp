// SPDX-License-Identifier: BSD-3-Clause
// What a holder repairs while it serves (protocol/holder_housekeeping): a removed key file, a
// removed semaphore, a lock left taken by a process that died, each told in a notice; and what
// it removes when it stops. On the real System V (serve() needs it), the holder a child process
// serving until SIGTERM, its notices sent back through a pipe, its key files in a scratch
// directory. Each repair comes at the holder's next look, a second apart: the test waits for the
// notice, bounded. (Creating and adopting are in holder_test.cpp, against a fake.)
#include "protocol/holder.h"

#include "sys/interrupt.h"
#include "sys/key_file.h"

#include "unit_support.h"

#include <chrono>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/sem.h>

using namespace shmtools::detail;
using shmtools::HolderOptions;
using unit::ChildProcess;
using unit::ScratchKey;

namespace {

/// A holder of `names` serving until SIGTERM; each notice goes to the parent as one line.
ChildProcess::Body servingHolder(const IpcNames &names)
{
    return [&names](int readyFd, int) {
        installInterruptHandlers();
        HolderOptions options;
        options.capacity = 4096;
        auto holder = Holder::start(names, options);
        if (!holder)
            return 1;
        ChildProcess::tellReady(readyFd);
        (*holder)->serve(nullptr, [readyFd](const std::string &notice) {
            const std::string line = notice + "\n";
            [[maybe_unused]] const ssize_t n = ::write(readyFd, line.data(), line.size());
        });
        return 0;
    };
}

/// The holder's notices: read as they come, up to the one that holds `needle` (which is
/// returned), for at most 30 seconds (a dozen of its looks); "" if none came.
class Notices {
public:
    explicit Notices(int fd) : m_fd(fd) {}
    std::string waitFor(const std::string &needle)
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        for (;;) {
            for (std::size_t end; (end = m_text.find('\n')) != std::string::npos;) {
                const std::string line = m_text.substr(0, end);
                m_text.erase(0, end + 1);
                if (line.find(needle) != std::string::npos)
                    return line;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            pollfd more{m_fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&more, 1, static_cast<int>(left.count())) != 1)
                return {};
            char buffer[4096];
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            if (n <= 0)
                return {};
            m_text.append(buffer, static_cast<std::size_t>(n));
        }
    }

private:
    int m_fd;
    std::string m_text;
};

/// The identity of the file at `path` now.
FileIdentity identityOf(const std::string &path)
{
    const auto id = ownRegularFileAt(path);
    REQUIRE(id);
    return *id;
}

/// A key served by a holder in a child process, its objects' ids, and what the holder tells.
struct Served {
    ScratchKey scratch;
    ChildProcess holder;
    unit::KeyIds ids;
    Notices notices;
    Served() : holder(servingHolder(scratch.names)), notices(holder.fromChild())
    {
        REQUIRE(holder.ready());
        ids = scratch.ids();
    }
    /// Stops the holder as `shm-create` is stopped; it exits cleanly, and has removed everything
    /// (the semaphore `semid`, if it was made anew).
    void stopAndCheckNothingLeft(std::optional<int> semid = std::nullopt)
    {
        ::kill(holder.pid(), SIGTERM);
        CHECK(holder.wait() == 0);
        scratch.checkNothingLeft({ids.shmid, semid.value_or(ids.semid)});
    }
};

} // namespace

TEST_CASE("housekeeping: a removed key file comes back under its inode, and the holder says so",
          "[holder_housekeeping]")
{
    Served served;
    const ScratchKey &scratch = served.scratch;
    const bool segmentKeyFile = GENERATE(true, false);
    const std::string &path = segmentKeyFile ? scratch.names.segmentKeyFile : scratch.names.semaphoreKeyFile;
    INFO(path);
    const FileIdentity before = identityOf(path);
    REQUIRE(::unlink(path.c_str()) == 0);
    CHECK_THAT(served.notices.waitFor("restored it"), Catch::Matchers::ContainsSubstring("the key file " + path));
    CHECK(isSameFile(path, before)); // the same inode, so the same System V key
    auto found = findSegment(scratch.names);
    CHECK((found && *found == served.ids.shmid));
    served.stopAndCheckNothingLeft();
}

TEST_CASE("housekeeping: a removed semaphore is made again, and the holder says so", "[holder_housekeeping]")
{
    Served served;
    const ScratchKey &scratch = served.scratch;
    auto removed = Semaphore::open(scratch.names);
    REQUIRE(removed);
    removed->remove(); // as systemd-logind's RemoveIPC does at logout
    CHECK_THAT(served.notices.waitFor("its semaphore was removed"), Catch::Matchers::ContainsSubstring("restored it"));
    auto restored = Semaphore::open(scratch.names);
    REQUIRE(restored);
    CHECK(restored->id() != removed->id());
    CHECK(restored->lock(Deadline::after(10))); // and it is free
    served.stopAndCheckNothingLeft(restored->id());
}

TEST_CASE("housekeeping: a lock left taken by a process that died is given back", "[holder_housekeeping]")
{
    Served served;
    const ScratchKey &scratch = served.scratch;
    auto semaphore = Semaphore::open(scratch.names);
    REQUIRE(semaphore);
    const int semid = served.ids.semid;
    pid_t taker = 0;
    // A process takes the lock without SEM_UNDO (as a Qt program killed in the wrong moment
    // leaves it) and exits: reaped here, so that nothing of it is left to look alive.
    {
        ChildProcess careless([semid](int readyFd, int) {
            sembuf take{0, -1, 0};
            if (::semop(semid, &take, 1) != 0)
                return 1;
            ChildProcess::tellReady(readyFd);
            return 0;
        });
        REQUIRE(careless.ready());
        taker = careless.pid();
        REQUIRE(careless.wait() == 0);
    }
    CHECK_THAT(served.notices.waitFor("left taken"),
               Catch::Matchers::ContainsSubstring("by PID " + std::to_string(taker)) &&
                   Catch::Matchers::ContainsSubstring("released it"));
    CHECK(semaphore->lock(Deadline::after(10)));
    served.stopAndCheckNothingLeft();
}

TEST_CASE("housekeeping: key files removed with their anchors are told as lost for good", "[holder_housekeeping]")
{
    Served served;
    const ScratchKey &scratch = served.scratch;
    for (const std::string &path : {scratch.names.segmentKeyFile, scratch.names.semaphoreKeyFile}) {
        REQUIRE(::unlink(path.c_str()) == 0);
        REQUIRE(::unlink(anchorPathFor(path).c_str()) == 0);
    }
    CHECK_THAT(served.notices.waitFor("were removed with their anchors"),
               Catch::Matchers::ContainsSubstring("cannot come back under the same System V key"));
    served.stopAndCheckNothingLeft(); // its segment and semaphore, by their ids
}
