// SPDX-License-Identifier: BSD-3-Clause
#pragma once

#include <chrono>
#include <ctime>
#include <optional>

namespace shmtools::detail {

/// A point in time that bounds a blocking step; "never" for an unbounded wait.
class Deadline {
public:
    using Clock = std::chrono::steady_clock;

    static Deadline never() { return Deadline(std::nullopt, 0); }
    static Deadline after(double seconds)
    {
        const auto span = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        return Deadline(Clock::now() + span, seconds);
    }

    bool isNever() const { return !m_at.has_value(); }
    /// The configured span in seconds, for messages.
    double seconds() const { return m_seconds; }
    /// Time left, clamped at zero; only meaningful when !isNever().
    timespec remaining() const
    {
        const auto left = std::max(Clock::duration::zero(), *m_at - Clock::now());
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(left);
        const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(left - secs);
        return timespec{static_cast<time_t>(secs.count()), static_cast<long>(nanos.count())};
    }

private:
    Deadline(std::optional<Clock::time_point> at, double seconds) : m_at(at), m_seconds(seconds) {}
    std::optional<Clock::time_point> m_at;
    double m_seconds;
};

} // namespace shmtools::detail
