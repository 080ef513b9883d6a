// SPDX-License-Identifier: BSD-3-Clause
// Qt's one-count semaphore for a key (sys/semaphore), on the real System V under a key file in a
// scratch directory: made once, exclusive and timed, given back when its taker dies, a lock left
// taken without SEM_UNDO named and released, and a removed one made again under the same key.
// The other processes are children of this one.
#include "sys/semaphore.h"

#include "sys/key_file.h"

#include "unit_support.h"

#include <chrono>
#include <ctime>
#include <optional>
#include <sys/ipc.h>
#include <sys/sem.h>

using namespace shmtools::detail;
using shmtools::ErrorCode;
using shmtools::Remedy;
using unit::ChildProcess;
using unit::ScratchKey;

namespace {

/// A child that takes the lock of `names` (without SEM_UNDO if `careless`, as a program killed
/// in the wrong moment leaves it), says so, and waits until released.
ChildProcess::Body taker(const IpcNames &names, bool careless = false)
{
    return [&names, careless](int readyFd, int releaseFd) {
        auto semaphore = Semaphore::open(names);
        if (!semaphore)
            return 1;
        std::optional<Semaphore::Lock> lock;
        if (careless) {
            sembuf take{0, -1, 0};
            if (::semop(semaphore->id(), &take, 1) != 0)
                return 2;
        } else if (auto taken = semaphore->lock(Deadline::after(10)); taken) {
            lock.emplace(std::move(*taken));
        } else {
            return 3;
        }
        ChildProcess::tellReady(readyFd);
        ChildProcess::waitForRelease(releaseFd);
        return 0;
    };
}

Semaphore made(const ScratchKey &scratch)
{
    auto semaphore = Semaphore::openOrCreate(scratch.names, scratch.semaphoreKey());
    REQUIRE(semaphore);
    return std::move(*semaphore);
}

} // namespace

TEST_CASE("semaphore: made once, free and ours alone, found, not made, by the next caller", "[semaphore]")
{
    ScratchKey scratch;
    auto none = Semaphore::open(scratch.names);
    REQUIRE_FALSE(none); // no key file yet
    bool created = false;
    auto first = Semaphore::openOrCreate(scratch.names, scratch.semaphoreKey(), &created);
    REQUIRE(first);
    CHECK(created);
    auto second = Semaphore::openOrCreate(scratch.names, scratch.semaphoreKey(), &created);
    REQUIRE(second);
    CHECK_FALSE(created);
    CHECK(second->id() == first->id());
    semid_ds ds{};
    REQUIRE(::semctl(first->id(), 0, IPC_STAT, &ds) == 0);
    CHECK((ds.sem_perm.mode & 0777) == 0600);
    CHECK(::semctl(first->id(), 0, GETVAL) == 1);
    CHECK_FALSE(first->isGone());
}

TEST_CASE("semaphore: without one under the key, open is NoSegment with the remedy to start a holder", "[semaphore]")
{
    ScratchKey scratch;
    REQUIRE(ensureKeyFile(scratch.names.semaphoreKeyFile, scratch.names, "semaphore"));
    auto none = Semaphore::open(scratch.names);
    REQUIRE_FALSE(none);
    CHECK(none.error().code == ErrorCode::NoSegment);
    CHECK(none.error().remedy == Remedy::StartHolder);
}

TEST_CASE("semaphore: one open to other users is refused as Unsafe", "[semaphore]")
{
    ScratchKey scratch;
    auto keyFile = ensureKeyFile(scratch.names.semaphoreKeyFile, scratch.names, "semaphore");
    REQUIRE(keyFile);
    const int planted = ::semget(keyFile->key, 1, 0666 | IPC_CREAT | IPC_EXCL);
    REQUIRE(planted != -1);
    auto refused = Semaphore::open(scratch.names);
    auto refusedToo = Semaphore::openOrCreate(scratch.names, scratch.semaphoreKey());
    ::semctl(planted, 0, IPC_RMID);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Unsafe);
    CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("is not yours alone"));
    REQUIRE_FALSE(refusedToo);
    CHECK(refusedToo.error().code == ErrorCode::Unsafe);
}

TEST_CASE("semaphore: taken by another process, the lock times out naming that process", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    ChildProcess holder(taker(scratch.names));
    REQUIRE(holder.ready());
    auto refused = semaphore.lock(Deadline::after(0.05));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::TimedOut);
    CHECK(refused.error().pid == holder.pid());
    CHECK(refused.error().remedy == Remedy::RaiseTimeoutOrStopLockHolder);
    CHECK_THAT(refused.error().message,
               Catch::Matchers::ContainsSubstring("held by PID " + std::to_string(holder.pid())));
    holder.release();
    CHECK(holder.wait() == 0);
    CHECK(semaphore.lock(Deadline::after(10))); // given back as it exited
}

TEST_CASE("semaphore: the lock of a process that dies is given back by the kernel (SEM_UNDO)", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    ChildProcess holder(taker(scratch.names));
    REQUIRE(holder.ready());
    ::kill(holder.pid(), SIGKILL);
    REQUIRE(holder.wait() == 100 + SIGKILL);
    CHECK(semaphore.lock(Deadline::after(10)));
    CHECK(semaphore.abandonedBy() == 0);
}

// Seen in CI (recovery.half-made-segment, a SIGKILL 1-8 ms into shm-create): a creator killed
// between semget (the set reads 0, taken) and SETVAL 1 left a lock nobody would ever give, and
// every later start timed out. The next lock sets it as the creator would have, once the clocks'
// margin shows its creator is not about to; one made this instant is left to its creator.
TEST_CASE("semaphore: one whose creator died before setting it is set and taken by the next lock", "[semaphore]")
{
    ScratchKey scratch;
    // What the creator had done when it was killed: the set made, its value still 0.
    const int semid = ::semget(scratch.semaphoreKey(), 1, 0600 | IPC_CREAT | IPC_EXCL);
    REQUIRE(semid != -1);
    const auto made = std::chrono::steady_clock::now();
    auto semaphore = Semaphore::open(scratch.names);
    REQUIRE(semaphore);
    CHECK_FALSE(semaphore->bornAbandoned()); // just made: its creator may be about to set it
    auto early = semaphore->lock(Deadline::after(0.05));
    REQUIRE_FALSE(early);
    CHECK(early.error().code == ErrorCode::TimedOut);
    CHECK(::semctl(semid, 0, GETVAL) == 0); // left as it was
    auto taken = semaphore->lock(Deadline::after(10));
    REQUIRE(taken);
    // Recognisable 1.5 s after it was made at the latest (sem_ctime has whole seconds), and
    // looked for every half second: a short -t at start-up is not used up by the wait.
    CHECK(std::chrono::steady_clock::now() - made < std::chrono::milliseconds(2500));
    CHECK(::semctl(semid, 0, GETVAL) == 0); // taken by us: it was 1, once
    taken->unlock();
    CHECK(::semctl(semid, 0, GETVAL) == 1);
}

TEST_CASE("semaphore: one that is taken, operated on, is never taken for one born abandoned", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    ChildProcess holder(taker(scratch.names, true)); // value 0, as a born-abandoned one, but operated on
    REQUIRE(holder.ready());
    // Only once the clocks' margin (2 s) has passed since it was set could the age alone make it
    // look born abandoned: what must tell them apart then is that it was operated on.
    semid_ds ds{};
    REQUIRE(::semctl(semaphore.id(), 0, IPC_STAT, &ds) == 0);
    while (::time(nullptr) <= ds.sem_ctime + 2)
        ::usleep(50'000);
    CHECK_FALSE(semaphore.bornAbandoned());
    holder.release();
    CHECK(holder.wait() == 0);
}

TEST_CASE("semaphore: a lock left taken without SEM_UNDO is named while its taker runs, then released", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    ChildProcess careless(taker(scratch.names, true));
    REQUIRE(careless.ready());
    const pid_t pid = careless.pid();
    CHECK(semaphore.abandonedBy() == 0); // its taker still runs: held, not abandoned
    CHECK(semaphore.taker().pid == pid);
    careless.release();
    REQUIRE(careless.wait() == 0); // reaped: no process has its PID now
    CHECK(semaphore.abandonedBy() == pid);
    auto refused = semaphore.lock(Deadline::after(0.05));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().remedy == Remedy::RaiseTimeout);
    CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("left taken by PID " + std::to_string(pid)));
    semaphore.releaseAbandoned();
    CHECK(semaphore.abandonedBy() == 0);
    CHECK(semaphore.lock(Deadline::after(10)));
}

TEST_CASE("semaphore: a wait gives back a lock whose taker exited once it has seen it so twice", "[semaphore]")
{
    // Where no holder runs (a start, a holder stopped), nobody else would: every wait timed out.
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    {
        ChildProcess careless(taker(scratch.names, true));
        REQUIRE(careless.ready());
        careless.release();
        REQUIRE(careless.wait() == 0);
    }
    REQUIRE(semaphore.abandonedBy() != 0);
    const auto started = std::chrono::steady_clock::now();
    auto locked = semaphore.lock(Deadline::after(10));
    REQUIRE(locked);
    // Two looks a second apart, not the deadline: it was seen abandoned and given back.
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("semaphore: the abandon watch gives back only a taking seen dead on two looks in a row", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore semaphore = made(scratch);
    Semaphore::AbandonWatch watch;
    CHECK_FALSE(watch.look(semaphore)); // free
    ChildProcess careless(taker(scratch.names, true));
    REQUIRE(careless.ready());
    CHECK_FALSE(watch.look(semaphore)); // taken by a live process
    CHECK_FALSE(watch.look(semaphore));
    const pid_t pid = careless.pid();
    careless.release();
    REQUIRE(careless.wait() == 0);
    CHECK_FALSE(watch.look(semaphore)); // seen dead once
    const auto found = watch.look(semaphore);
    REQUIRE(found);
    CHECK(found->pid == pid);
    CHECK_FALSE(found->reused);
}

TEST_CASE("semaphore: a removed one is gone by its id, and made again under the same key file", "[semaphore]")
{
    ScratchKey scratch;
    const Semaphore old = made(scratch);
    auto keyFile = keyFileAt(scratch.names.semaphoreKeyFile, scratch.names, "semaphore");
    REQUIRE(keyFile);
    CHECK(semaphoreIdUnder(keyFile->key) == std::optional<int>(old.id()));
    old.remove();
    CHECK(old.isGone());
    CHECK_FALSE(semaphoreIdExists(old.id()));
    CHECK_FALSE(semaphoreExistsUnder(keyFile->key));
    auto locked = old.lock(Deadline::after(10));
    REQUIRE_FALSE(locked);
    CHECK(locked.error().code == ErrorCode::NoSegment);
    SECTION("recreated from the key file's recorded identity")
    {
        auto again = Semaphore::recreate(scratch.names, keyFile->id);
        REQUIRE(again);
        CHECK(again->id() != old.id());
        CHECK(semaphoreIdExists(again->id()));
        CHECK(semaphoreIdUnder(keyFile->key) == std::optional<int>(again->id()));
        CHECK(again->lock(Deadline::after(10)));
    }
    SECTION("not while another file is at the key file's path")
    {
        // Made before the old one goes, so that it cannot get the old inode back.
        const std::string replacement = scratch.names.tempDir + "/replacement";
        REQUIRE(ensureKeyFile(replacement, scratch.names, "semaphore"));
        REQUIRE(::rename(replacement.c_str(), scratch.names.semaphoreKeyFile.c_str()) == 0);
        auto refused = Semaphore::recreate(scratch.names, keyFile->id);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::NoSegment);
        CHECK_FALSE(semaphoreExistsUnder(keyFile->key));
    }
}
