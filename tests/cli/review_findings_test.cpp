// What an outside review (README and binaries only) found broken, kept as regression tests: a
// detached holder whose PID nobody could read, a dangling symbolic link planted as a key file,
// and a lock left taken by a process that exited without SEM_UNDO.
#include "support/cli_support.h"
#include "support/reliability_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace shmtest;

TEST_CASE("shm-create -d whose stdout reader has gone fails and stops the holder it started", "[review][detach]")
{
    const std::string key = uniqueKey("detachepipe");
    const KeyGuard guard(key);
    // stdout is a pipe whose only reader has exited (bash waits for it): printing the PID gets
    // EPIPE, or SIGPIPE if the tool does not guard against it.
    const ProcessResult result = run({"/bin/bash", "-c", "exec 1> >(exec true); wait $!; exec \"$@\"", "bash",
                                      binary(Tool::Create), "-d", "-k", key, "-s", "64K"});
    CHECK_EXIT(result, 1);
    CHECK(isOneLine(result.err));
    CHECK_THAT(result.err, Catch::Matchers::ContainsSubstring("stopped the holder (PID "));
    const std::string after = result.err.substr(result.err.find("(PID ") + 5);
    CHECK(waitGone(std::stoi(after), 30).gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a dangling symbolic link planted as a key file in a shared TMPDIR is refused with exit 9",
          "[review][foreign]")
{
    if (const std::string why = whyNobodyCannotRun(); !why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    const SharedScratchDir shared;
    const std::string key = uniqueKey("danglinglink");
    RunOptions inShared;
    inShared.env = {{"TMPDIR", shared.path()}};
    for (const bool semaphore : {false, true}) {
        const ProcessResult plant =
            run(asNobody({"/bin/ln", "-s", shared.path() + "/nowhere", shared.keyFile(key, semaphore)}));
        REQUIRE_EXIT(plant, 0);
    }
    const ProcessResult create = run(Tool::Create, {"-d", "-k", key, "-s", "64K"}, inShared);
    CHECK_EXIT(create, 9);
    CHECK(isOneLine(create.err));
    CHECK_THAT(create.err, Catch::Matchers::ContainsSubstring("not a regular file owned by you"));
    CHECK(::access((shared.path() + "/nowhere").c_str(), F_OK) != 0); // nothing made through the link
}

TEST_CASE("a lock left taken by a process that exited without SEM_UNDO is released by the holder",
          "[review][lock]")
{
    const std::string key = uniqueKey("abandonedlock");
    const KeyGuard guard(key);
    Child holder(Tool::Create, {"-k", key, "-s", "64K"});
    REQUIRE(holder.waitFor(2, "ready", 30));
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    const int semid = currentSemid(key);
    REQUIRE(semid != -1);

    // Stopped, the holder cannot release the lock before the tools have seen it taken.
    REQUIRE(holder.signal(SIGSTOP));
    const pid_t taker = ::fork();
    REQUIRE(taker >= 0);
    if (taker == 0) {
        sembuf take{0, -1, 0}; // no SEM_UNDO: the lock outlives this process
        ::_exit(::semop(semid, &take, 1) == 0 ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(taker, &status, 0) == taker);
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));

    const ProcessResult stuck = readContent(key, {"-t", "0.5"});
    CHECK_EXIT(stuck, 7);
    CHECK_THAT(stuck.err, Catch::Matchers::ContainsSubstring("PID " + std::to_string(taker)) &&
                              Catch::Matchers::ContainsSubstring("exited without giving it back"));

    REQUIRE(holder.signal(SIGCONT));
    CHECK(holder.waitFor(2, "released it", 30));
    const ProcessResult read = readContent(key, {"-t", "10"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == "kept");
    holder.signal(SIGTERM);
    CHECK(holder.wait(30).exited(0));
}
