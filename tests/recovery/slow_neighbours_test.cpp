// SPDX-License-Identifier: BSD-3-Clause
// Slow neighbours block nobody: a reader stuck on a consumer that does not read does not delay
// the next load, and a loader waiting on a slow producer does not delay any reader.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <thread>

using namespace shmtest;

namespace {

// Far below the time the slow neighbour takes, far above a quick tool run on a loaded machine
// (or under the sanitizers).
constexpr double kPrompt = 1.5;

} // namespace

TEST_CASE("a reader stuck on a full pipe does not delay the next load", "[slow]")
{
    const std::string key = uniqueKey("fullpipe");
    Holder holder(key, HolderOptions::sized("4M"));
    // Far more than a pipe holds, so that the reader blocks in write() with its version pinned.
    const std::string old = randomBytes(3u << 20);
    REQUIRE_EXIT(loadStdin(key, old), 0);

    // The test does not read this child's stdout until the end: its consumer does not read.
    Child stuck(Tool::Read, {"-k", key});
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasPin(segment.header(), stuck.pid()); }, 20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    {
        LiveSegment segment(key);
        REQUIRE(hasPin(segment.header(), stuck.pid())); // still writing its first 64 KiB
    }

    const std::string fresh = randomBytes(2u << 20);
    const ProcessResult load = loadStdin(key, fresh, {"-t", "10"});
    CHECK_EXIT(load, 0);
    CHECK(load.seconds < kPrompt);

    const ProcessResult read = readContent(key, {"-t", "10"});
    CHECK_EXIT(read, 0);
    CHECK(read.seconds < kPrompt);
    CHECK(read.out == fresh);

    // The load after that one would overwrite the version the stuck reader is still writing
    // out, so it waits for it, but only as long as --timeout says.
    const ProcessResult blocked = loadStdin(key, randomBytes(1000), {"-t", "0.5"});
    CHECK_EXIT(blocked, 7);
    CHECK(blocked.seconds < 0.5 + kPrompt);
    CHECK_THAT(blocked.err, Catch::Matchers::ContainsSubstring("timed out") &&
                                Catch::Matchers::ContainsSubstring(std::to_string(stuck.pid())));
    CHECK(readContent(key).out == fresh); // the refused load changed nothing

    // Once the consumer reads, the stuck reader delivers its version whole, although two loads
    // came and went meanwhile.
    const ProcessResult delivered = stuck.wait(30);
    CHECK_EXIT(delivered, 0);
    CHECK(delivered.out.size() == old.size());
    CHECK(delivered.out == old);
    const std::string last = randomBytes(1000);
    CHECK_EXIT(loadStdin(key, last, {"-t", "5"}), 0);
    CHECK(readContent(key).out == last);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}

TEST_CASE("a loader waiting on a slow producer does not delay readers", "[slow]")
{
    const std::string key = uniqueKey("slowproducer");
    Holder holder(key, HolderOptions::sized("64K"));
    const std::string old = randomBytes(20000);
    REQUIRE_EXIT(loadStdin(key, old), 0);

    // Exactly the shell pipeline of the issue: one byte, three seconds of nothing, one byte.
    Child pipeline(
        {"/bin/sh", "-c", "(printf a; sleep 3; printf b) | '" + binary(Tool::Load) + "' -k '" + key + "' -"});
    {
        LiveSegment segment(key);
        REQUIRE(waitUntil([&] { return hasClaim(segment.header()); }, 20));
    }

    const ProcessResult read = readContent(key, {"-t", "10"});
    CHECK_EXIT(read, 0);
    CHECK(read.seconds < kPrompt);
    CHECK(read.out == old);
    const ProcessResult info = readContent(key, {"--json", "-t", "10"});
    CHECK_EXIT(info, 0);
    CHECK(info.seconds < kPrompt);
    REQUIRE(pipeline.running()); // all of that happened while the producer was still asleep

    // A second loader cannot take the slot the first one is filling: it waits, bounded.
    const ProcessResult second = loadStdin(key, "c", {"-t", "0.5"});
    CHECK_EXIT(second, 7);
    CHECK(second.seconds < 0.5 + kPrompt);
    CHECK_THAT(second.err,
               Catch::Matchers::ContainsSubstring("timed out") && Catch::Matchers::ContainsSubstring("another load"));

    const ProcessResult loaded = pipeline.wait(30);
    CHECK_EXIT(loaded, 0);
    CHECK(loaded.seconds >= 2.9);
    CHECK(readContent(key).out == "ab");
    CHECK(readJson(key).value("generation").toInteger() == 2);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
