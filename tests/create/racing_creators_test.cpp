// SPDX-License-Identifier: BSD-3-Clause
// Racing creators: a creator never removes a semaphore someone else uses, and of several racing
// creators one wins and keeps all its objects.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "sys/futex.h"
#include "protocol/segment_list.h"

#include "support/catch_compat.h"

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace shmtools::detail;

using namespace shmtest;

namespace {

const std::string kLongTimeout = "20";

} // namespace

TEST_CASE("a creator never removes a semaphore someone is using", "[create]")
{
    const std::string key = uniqueKey("semlive");
    KeyGuard guard(key);
    // A semaphore under the key with no segment yet, its lock held by a live process (here
    // the test): what a racing creator that is about to make the segment looks like.
    {
        std::ofstream(semKeyFile(key));
    }
    const key_t semKey = ::ftok(semKeyFile(key).c_str(), 'Q');
    const int semid = ::semget(semKey, 1, 0600 | IPC_CREAT | IPC_EXCL);
    REQUIRE(semid != -1);
    REQUIRE(::semctl(semid, 0, SETVAL, 1) == 0);
    sembuf take{0, -1, SEM_UNDO};
    REQUIRE(::semop(semid, &take, 1) == 0);

    Child creator(Tool::Create, {"-k", key, "-s", "64K", "-t", kLongTimeout});
    // It waits for the lock instead of removing the semaphore.
    REQUIRE(waitUntil([&] { return ::semctl(semid, 0, GETNCNT) > 0 || !creator.running(); }, 20));
    REQUIRE(creator.running());
    sembuf give{0, 1, SEM_UNDO};
    REQUIRE(::semop(semid, &give, 1) == 0);
    REQUIRE(creator.waitFor(2, "ready", 20));
    CHECK(currentSemid(key) == semid);
    CHECK_EXIT(loadStdin(key, "through the shared semaphore"), 0);
    CHECK(readContent(key).out == "through the shared semaphore");
    creator.signal(SIGTERM);
    CHECK_EXIT(creator.wait(20), 0);
    CHECK_FALSE(leftovers(key));
}

TEST_CASE("racing creators agree on one winner, whose objects all survive", "[create]")
{
    constexpr int kRounds = 5, kCreators = 8;
    for (int round = 0; round < kRounds; ++round) {
        CAPTURE(round);
        const std::string key = uniqueKey("race");
        KeyGuard guard(key);
        std::vector<std::unique_ptr<Child>> creators;
        for (int i = 0; i < kCreators; ++i)
            creators.push_back(std::make_unique<Child>(
                Tool::Create, std::vector<std::string>{"-d", "-q", "-k", key, "-s", "64K", "-t", "20"}));
        int winners = 0;
        pid_t holderPid = 0;
        for (auto &creator : creators) {
            const ProcessResult result = creator->wait(40);
            INFO(describe(result));
            CHECK((result.exited(0) || result.exited(4)));
            if (result.exited(0)) {
                ++winners;
                holderPid = std::stoi(result.out);
            } else {
                CHECK_THAT(result.err, !Catch::Matchers::ContainsSubstring("same moment"));
            }
        }
        REQUIRE(winners == 1);
        CHECK_EXIT(loadStdin(key, "winner's"), 0);
        CHECK(readContent(key).out == "winner's");
        ::kill(holderPid, SIGTERM);
        CHECK(waitGone(holderPid, 20).gone);
        CHECK_FALSE(leftovers(key));
    }
}
