// SPDX-License-Identifier: BSD-3-Clause
// No torn reads: loaders and readers hammer one segment at the same time, and every read is,
// byte for byte, one of the files that were loaded.

#include "support/cli_support.h"
#include "support/live_segment_support.h"
#include "support/segment_support.h"

#include "support/catch_compat.h"

#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace shmtest;

namespace {

// Long enough for thousands of overlapping loads and reads, short enough for the sanitizer
// build (where each process is a few times slower, so fewer are checked in the same time).
constexpr double kStressSeconds = 8;
constexpr int kLoaders = 3;
constexpr int kReaders = 3;
constexpr int kFilesPerLoader = 4;

struct Tally {
    std::atomic<long> loads{0}, loadFailures{0};
    std::atomic<long> reads{0}, readFailures{0}, wrongReads{0};
    std::mutex mutex;
    std::vector<std::string> problems; ///< the first few failures, described

    void note(const std::string &problem)
    {
        std::lock_guard lock(mutex);
        if (problems.size() < 5)
            problems.push_back(problem);
    }
};

} // namespace

TEST_CASE("under concurrent loads every read is one of the published files", "[stress]")
{
    const std::string key = uniqueKey("torn");
    ScratchDir scratch;
    Holder holder(key, HolderOptions::sized("2M"));

    // Distinct files of distinct sizes, from a few bytes to the whole capacity, so that a read
    // mixing two versions, or cut at the wrong length, cannot match any of them.
    std::mt19937 random{std::random_device{}()};
    std::vector<std::vector<std::string>> files(kLoaders);
    std::set<std::string> published; // hashes of every file any loader may publish
    for (int loader = 0; loader < kLoaders; ++loader) {
        for (int i = 0; i < kFilesPerLoader; ++i) {
            const std::size_t size = (loader == 0 && i == 0) ? (2u << 20)
                                     : (loader == 1 && i == 0)
                                         ? 3
                                         : std::uniform_int_distribution<std::size_t>(1000, 2u << 20)(random);
            const std::string bytes = randomBytes(size);
            published.insert(xxh3Text(bytes));
            files[loader].push_back(scratch.write(
                std::string("l").append(std::to_string(loader)).append("f").append(std::to_string(i)).append(".bin"),
                bytes));
        }
    }
    REQUIRE(published.size() == kLoaders * kFilesPerLoader);
    // Something is published before the readers start, so that an empty read counts as wrong.
    REQUIRE_EXIT(loadFile(key, files[0][0], {"-q"}), 0);

    Tally tally;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int loader = 0; loader < kLoaders; ++loader) {
        threads.emplace_back([&, loader] {
            for (std::size_t i = 0; !stop; ++i) {
                const ProcessResult result = loadFile(key, files[loader][i % files[loader].size()], {"-q", "-t", "20"});
                if (result.exited(0)) {
                    ++tally.loads;
                } else {
                    ++tally.loadFailures;
                    tally.note(describe(result));
                }
            }
        });
    }
    for (int reader = 0; reader < kReaders; ++reader) {
        threads.emplace_back([&] {
            while (!stop) {
                const ProcessResult result = readContent(key, {"-t", "20"});
                if (!result.exited(0)) {
                    ++tally.readFailures;
                    tally.note(describe(result));
                } else if (published.count(xxh3Text(result.out)) == 0) {
                    ++tally.wrongReads;
                    tally.note("a read matching no published file (" + std::to_string(result.out.size()) + " bytes, " +
                               xxh3Text(result.out) + ")");
                } else {
                    ++tally.reads;
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(kStressSeconds));
    stop = true;
    for (auto &thread : threads)
        thread.join();

    std::cout << "torn reads: " << kLoaders << " loaders and " << kReaders << " readers for " << kStressSeconds
              << " s: checked " << tally.loads << " loads and " << tally.reads + tally.wrongReads << " reads, "
              << tally.wrongReads << " wrong, " << tally.loadFailures << " failed loads, " << tally.readFailures
              << " failed reads" << std::endl;
    for (const auto &problem : tally.problems)
        UNSCOPED_INFO(problem);
    CHECK(tally.wrongReads == 0);
    CHECK(tally.readFailures == 0);
    CHECK(tally.loadFailures == 0);
    // Both sides really ran concurrently, many times over.
    CHECK(tally.loads >= 2 * kLoaders);
    CHECK(tally.reads >= 2 * kReaders);

    // The generation counted every load exactly once.
    CHECK(readJson(key).value("generation").toInteger() == tally.loads + 1);

    REQUIRE(holder.stop().gone);
    INFO(leftoversReport(key));
    CHECK(!leftovers(key));
}
