// SPDX-License-Identifier: BSD-3-Clause
#include "base/deadline.h"

#include "support/catch_compat.h"

#include <chrono>
#include <thread>

using namespace shmtools::detail;

namespace {

double secondsOf(const timespec &span)
{
    return static_cast<double>(span.tv_sec) + static_cast<double>(span.tv_nsec) / 1e9;
}

} // namespace

TEST_CASE("Deadline::never is unbounded and names no span", "[deadline]")
{
    const Deadline deadline = Deadline::never();
    CHECK(deadline.isNever());
    CHECK(deadline.seconds() == 0);
}

TEST_CASE("Deadline::after keeps the span for messages and counts down from it", "[deadline]")
{
    const Deadline deadline = Deadline::after(2.5);
    CHECK_FALSE(deadline.isNever());
    CHECK(deadline.seconds() == 2.5);
    const timespec left = deadline.remaining();
    CHECK(left.tv_nsec >= 0);
    CHECK(left.tv_nsec < 1'000'000'000); // a normalised timespec, as semtimedop and futex want
    CHECK(secondsOf(left) <= 2.5);
    CHECK(secondsOf(left) > 1.0); // a slow machine may lose a little, never more than a second here
}

TEST_CASE("Deadline::remaining is zero once the deadline has passed, never negative", "[deadline]")
{
    // A span of zero or less has passed at once; a short one passes while we wait for it.
    const double seconds = GENERATE(0.0, -1.0, 0.02);
    CAPTURE(seconds);
    const Deadline deadline = Deadline::after(seconds);
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (secondsOf(deadline.remaining()) > 0 && std::chrono::steady_clock::now() < giveUp)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const timespec left = deadline.remaining();
    CHECK(left.tv_sec == 0);
    CHECK(left.tv_nsec == 0);
}
