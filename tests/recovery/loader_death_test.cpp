// SPDX-License-Identifier: BSD-3-Clause
// A loader that dies loses nothing: SIGKILL at any instant (starting up, mid-stream from a pipe,
// mid-copy of a large file, between claim and publish, waiting to publish) leaves the published
// version readable byte for byte, and the next load succeeds at once: no stuck lock, no stuck
// claim.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <csignal>
#include <iostream>
#include <random>
#include <thread>

using namespace shmtest;

namespace {

constexpr int kKills = 50;
// A wait on a stuck claim or lock would last this long and fail with exit 7.
const std::string kLoadTimeout = "3";

enum class Moment { Anytime, MidCopy, FromPipe, BetweenClaimAndPublish };

const char *nameOf(Moment moment)
{
    switch (moment) {
    case Moment::Anytime: return "any instant of a large file's load";
    case Moment::MidCopy: return "mid-copy of a large file";
    case Moment::FromPipe: return "mid-stream from a pipe";
    case Moment::BetweenClaimAndPublish: return "between claim and publish";
    }
    return "?";
}

void sleepFor(double seconds)
{
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

/// Lets SECONDS pass while feeding CHILD's stdin and collecting its output.
void pumpFor(Child &child, double seconds)
{
    const double until = now() + seconds;
    while (now() < until && child.running())
        sleepFor(0.001);
}

} // namespace

TEST_CASE("a loader SIGKILLed at random instants never costs the published version", "[kill]")
{
    const std::string key = uniqueKey("loaderkill");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("16M"));
    std::mt19937 random{std::random_device{}()};

    // A large file whose load takes long enough to be hit mid-copy.
    const std::string large = randomBytes(12u << 20);
    const std::string largeFile = scratch.write("large.bin", large);
    REQUIRE_EXIT(loadFile(key, largeFile, {"-q"}), 0);
    const double start = now();
    REQUIRE_EXIT(loadFile(key, largeFile, {"-q"}), 0);
    const double loadSeconds = now() - start;

    std::string published = randomBytes(50000);
    REQUIRE_EXIT(loadStdin(key, published, {"-q"}), 0);
    std::int64_t generation = readJson(key).value("generation").toInteger();

    // Per moment: killed before publishing, killed after publishing, finished before the kill.
    int killedBefore[4] = {}, killedAfterPublish[4] = {}, finished[4] = {};
    const Moment moments[] = {Moment::Anytime, Moment::MidCopy, Moment::FromPipe, Moment::BetweenClaimAndPublish};
    for (int round = 0; round < kKills; ++round) {
        const Moment moment = moments[round % 4];
        CAPTURE(round, nameOf(moment));
        std::string attempted = large;
        std::optional<Child> loader;
        if (moment == Moment::Anytime) {
            loader.emplace(Tool::Load, std::vector<std::string>{"-q", "-k", key, largeFile});
            pumpFor(*loader, std::uniform_real_distribution<double>(0, 0.6 * loadSeconds)(random));
        } else if (moment == Moment::MidCopy) {
            // The copy runs between the claim and the publish and lasts a few milliseconds: spot
            // the claim as soon as it appears, then strike somewhere inside the copy.
            loader.emplace(Tool::Load, std::vector<std::string>{"-q", "-k", key, largeFile});
            LiveSegment segment(key);
            const pid_t pid = loader->pid();
            while (!hasClaim(segment.header(), pid) && loader->running())
                std::this_thread::yield(); // each look takes the lock the loader needs
            sleepFor(std::uniform_real_distribution<double>(0, 0.0015)(random));
        } else {
            // Part of the stream arrives; the rest never will.
            attempted = randomBytes(std::uniform_int_distribution<std::size_t>(1, 3u << 20)(random));
            loader.emplace(Tool::Load, std::vector<std::string>{"-q", "-k", key, "-"});
            loader->writeStdin(std::string_view(attempted).substr(
                0, std::uniform_int_distribution<std::size_t>(0, attempted.size() - 1)(random)));
            if (moment == Moment::BetweenClaimAndPublish) {
                // It claimed its slot and is still waiting for the end of its input.
                LiveSegment segment(key);
                const pid_t pid = loader->pid();
                REQUIRE(waitUntil([&] { return hasClaim(segment.header(), pid); }, 20));
            } else {
                pumpFor(*loader, std::uniform_real_distribution<double>(0, 0.05)(random));
            }
        }
        loader->signal(SIGKILL); // false if it finished first: that is a valid instant too
        const ProcessResult killed = loader->wait(20);
        INFO(describe(killed));

        // The version published before is still there, byte for byte, unless the loader got to
        // publish its own (complete) one first.
        const ProcessResult read = readContent(key, {"-t", kLoadTimeout});
        REQUIRE_EXIT(read, 0);
        const std::int64_t current = readJson(key).value("generation").toInteger();
        if (read.out == published) {
            CHECK(current == generation);
            CHECK_FALSE(killed.exited(0));
            ++killedBefore[static_cast<int>(moment)];
        } else {
            REQUIRE(read.out == attempted); // never a mixture, never a part
            CHECK(current == generation + 1);
            ++(killed.exited(0) ? finished : killedAfterPublish)[static_cast<int>(moment)];
        }

        // The next load goes through at once: a claim or lock left by the dead loader would
        // make it wait and fail with exit 7.
        published = randomBytes(std::uniform_int_distribution<std::size_t>(0, 100000)(random));
        const ProcessResult next = loadStdin(key, published, {"-q", "-t", kLoadTimeout});
        REQUIRE_EXIT(next, 0);
        CHECK(next.seconds < 2.5);
        generation = current + 1; // the next round reads it back, content and generation
    }
    std::cout << "loader kills: " << kKills << " SIGKILLs; the published version was intact after every one\n";
    int before = 0;
    for (const Moment moment : moments) {
        const int m = static_cast<int>(moment);
        before += killedBefore[m];
        std::cout << "  " << nameOf(moment) << ": " << killedBefore[m] << " killed before publishing, "
                  << killedAfterPublish[m] << " after, " << finished[m] << " finished first\n";
    }
    std::cout << std::flush;
    // Most kills must land before the publish, or the test proves nothing.
    CHECK(before >= kKills / 2);
    CHECK(killedBefore[static_cast<int>(Moment::MidCopy)] >= 1);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a loader SIGKILLed while waiting for the lock to publish loses nothing", "[kill]")
{
    const std::string key = uniqueKey("killpublish");
    Holder holder(key, HolderOptions::sized("1M"));
    const std::string published = randomBytes(30000);
    REQUIRE_EXIT(loadStdin(key, published), 0);

    // The loader streams its whole input into its slot, then finds the lock taken by a Qt
    // program and waits for it: the last instant before its publish.
    Child loader(Tool::Load, {"-k", key, "-t", "20", "-"});
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasClaim(segment.header(), loader.pid()); }, 20));
    }
    Child locker(Tool::QtPeer, {"hold-lock", key, "60"});
    REQUIRE(locker.waitFor(1, "locked", 20));
    loader.writeStdin(randomBytes(20000));
    loader.closeStdin();
    sleepFor(0.3); // it has read everything and blocks on the lock
    REQUIRE(loader.running());
    REQUIRE(loader.signal(SIGKILL));
    const ProcessResult killed = loader.wait(20);
    CHECK(killed.termSignal == SIGKILL);
    REQUIRE(locker.signal(SIGTERM));
    CHECK_EXIT(locker.wait(20), 0);

    const ProcessResult read = readContent(key, {"-t", "3"});
    CHECK_EXIT(read, 0);
    CHECK(read.out == published);
    CHECK(readJson(key).value("generation").toInteger() == 1);
    const std::string next = randomBytes(40000);
    const ProcessResult load = loadStdin(key, next, {"-t", "3"});
    CHECK_EXIT(load, 0);
    CHECK(load.seconds < 2.5);
    CHECK(readContent(key).out == next);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
