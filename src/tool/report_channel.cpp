// SPDX-License-Identifier: BSD-3-Clause
#include "report_channel.h"

#include <shmtools/interrupt.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace {

using Clock = std::chrono::steady_clock;
// How long reports may still hold a tool up once it has been asked to stop (SIGTERM must be
// answered within a second), and how long a holder's last lines may delay its exit.
constexpr auto kLastWordsWait = std::chrono::milliseconds(500);
// How much a holder keeps for a stderr that does not take it: some fifty version lines.
constexpr std::size_t kBacklogLimit = 16 * 1024;
// How often a wait for room looks for an interrupt.
constexpr int kPollSliceMs = 100;

enum class Kind { Plain, NonBlocking, Socket };

struct Channel {
    pid_t openedBy = 0; // a child after fork() (shm-create -d) has a stderr of its own
    int fd = STDERR_FILENO;
    Kind kind = Kind::Plain;
    bool neverWait = false;
    std::string tool;
    std::string backlog;
    std::uint64_t dropped = 0;
};

Channel g_channel;

// A description of our own is the only way to write without blocking to a FIFO or terminal
// that others share: setting O_NONBLOCK on fd 2 would set it for them too (the shell, the
// consumer), which would hand them EAGAIN on their next write. A socket (a systemd unit's
// journal stream) takes MSG_DONTWAIT per call instead. A regular file never blocks for long.
void openChannel()
{
    const pid_t self = ::getpid();
    if (g_channel.openedBy == self)
        return;
    if (g_channel.openedBy != 0 && g_channel.kind == Kind::NonBlocking)
        ::close(g_channel.fd); // the parent's stderr, not ours
    // A child of a parent that never waits (shm-create -d) shares its stderr: it must not wait
    // either, or a full pipe would stop its start-up and with it the parent.
    const bool neverWait = g_channel.neverWait;
    std::string tool = std::move(g_channel.tool);
    g_channel = Channel{};
    g_channel.openedBy = self;
    g_channel.neverWait = neverWait;
    g_channel.tool = std::move(tool);
    struct stat info {};
    if (::fstat(STDERR_FILENO, &info) != 0)
        return;
    if (S_ISSOCK(info.st_mode)) {
        g_channel.kind = Kind::Socket;
    } else if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)) {
        const int fd = ::open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
            g_channel.fd = fd;
            g_channel.kind = Kind::NonBlocking;
        }
    }
}

// One attempt that never blocks: the bytes taken, or -1 with errno (EAGAIN: no room now).
ssize_t writeSome(const char *data, std::size_t length)
{
    switch (g_channel.kind) {
    case Kind::NonBlocking: return ::write(g_channel.fd, data, length);
    case Kind::Socket: return ::send(g_channel.fd, data, length, MSG_DONTWAIT | MSG_NOSIGNAL);
    case Kind::Plain: break;
    }
    // No description of our own (/proc missing, a FIFO without a reader yet): write only what
    // poll() says fits. Up to PIPE_BUF bytes into a pipe with a free buffer never block, unless
    // another writer fills it in between.
    pollfd writable{g_channel.fd, POLLOUT, 0};
    if (::poll(&writable, 1, 0) == 0) {
        errno = EAGAIN;
        return -1;
    }
    return ::write(g_channel.fd, data, std::min<std::size_t>(length, PIPE_BUF));
}

// Writes the backlog until it is empty (true) or stderr has no room and `until` has passed;
// a wait ends also kLastWordsWait after an interrupt. A broken stderr empties the backlog:
// nobody will read it.
bool flushBacklog(Clock::time_point until)
{
    std::string &backlog = g_channel.backlog;
    std::size_t done = 0;
    std::optional<Clock::time_point> interruptedAt;
    while (done < backlog.size()) {
        const ssize_t n = writeSome(backlog.data() + done, backlog.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            done = backlog.size();
            break;
        }
        const auto now = Clock::now();
        if (shmtools::interruptSignal() && !interruptedAt)
            interruptedAt = now;
        const auto deadline = interruptedAt ? std::min(until, *interruptedAt + kLastWordsWait) : until;
        if (now >= deadline)
            break;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
        pollfd writable{g_channel.fd, POLLOUT, 0};
        ::poll(&writable, 1, static_cast<int>(std::min<long long>(left, kPollSliceMs)));
    }
    backlog.erase(0, done);
    return backlog.empty();
}

void queue(const std::string &text)
{
    // A line is kept whole or not at all; the backlog of a stderr nobody reads stays bounded.
    if (g_channel.neverWait && g_channel.backlog.size() + text.size() > kBacklogLimit) {
        ++g_channel.dropped;
        return;
    }
    g_channel.backlog += text;
}

void writeQueued(Clock::time_point until)
{
    if (!flushBacklog(until) || g_channel.dropped == 0)
        return;
    // Stderr takes lines again: say once what it missed.
    const std::uint64_t dropped = std::exchange(g_channel.dropped, 0);
    g_channel.backlog = g_channel.tool + ": " + std::to_string(dropped) +
                        (dropped == 1 ? " report was" : " reports were") + " dropped while stderr was not being read\n";
    flushBacklog(until);
}

} // namespace

void writeReport(const std::string &text)
{
    openChannel();
    // A one-shot tool waits (until an interrupt, see flushBacklog); a holder does not.
    const auto until = g_channel.neverWait ? Clock::time_point::min() : Clock::time_point::max();
    // What is still due first (a stderr read again has room for this line then), and in order.
    writeQueued(until);
    queue(text);
    writeQueued(until);
}

void reportsNeverWait(const std::string &tool)
{
    openChannel();
    g_channel.neverWait = true;
    g_channel.tool = tool;
}

void reportsFollowStderr()
{
    if (g_channel.kind == Kind::NonBlocking)
        ::close(g_channel.fd);
    g_channel.kind = Kind::Plain;
    g_channel.fd = STDERR_FILENO;
    g_channel.openedBy = 0; // the next report opens a channel for the new stderr
    g_channel.backlog.clear(); // meant for the old stderr
}

void drainReports()
{
    if (g_channel.backlog.empty() && g_channel.dropped == 0)
        return;
    writeQueued(Clock::now() + kLastWordsWait);
}
