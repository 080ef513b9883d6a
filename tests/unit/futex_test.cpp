// SPDX-License-Identifier: BSD-3-Clause
#include "sys/futex.h"

#include "support/catch_compat.h"
#include <chrono>
#include <thread>

using namespace shmtools::detail;

TEST_CASE("a wait on an unchanged word times out at its deadline", "[futex]")
{
    std::uint32_t word = 5;
    const auto start = std::chrono::steady_clock::now();
    CHECK(waitWhileEqual(&word, 5, Deadline::after(0.05)) == WaitOutcome::TimedOut);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(45));
}

TEST_CASE("a wait on a word that already changed returns at once", "[futex]")
{
    std::uint32_t word = 6;
    CHECK(waitWhileEqual(&word, 5, Deadline::after(10)) == WaitOutcome::Changed);
}

TEST_CASE("bumpAndWake wakes a sleeping waiter", "[futex]")
{
    std::uint32_t word = 0;
    WaitOutcome outcome = WaitOutcome::TimedOut;
    std::thread waiter([&] { outcome = waitWhileEqual(&word, 0, Deadline::after(10)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    bumpAndWake(&word);
    waiter.join();
    CHECK(outcome == WaitOutcome::Changed);
    CHECK(loadWord(&word) == 1);
}

TEST_CASE("an expired deadline does not sleep", "[futex]")
{
    std::uint32_t word = 0;
    CHECK(waitWhileEqual(&word, 0, Deadline::after(0)) == WaitOutcome::TimedOut);
}
