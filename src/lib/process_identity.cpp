#include "process_identity.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {

// Field 22 of /proc/PID/stat; the command name (field 2) may contain spaces and parentheses,
// so parsing starts after the last ')'.
std::uint64_t readStartTime(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buffer[1024];
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0)
        return 0;
    buffer[n] = '\0';
    const char *cursor = std::strrchr(buffer, ')');
    if (!cursor)
        return 0;
    // After ')' come fields 3..; skip to field 22 (19 more separators).
    for (int field = 2; field < 22 && cursor; ++field)
        cursor = std::strchr(cursor + 1, ' ');
    return cursor ? std::strtoull(cursor + 1, nullptr, 10) : 0;
}

bool pidExists(pid_t pid)
{
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

} // namespace

ProcessIdentity ProcessIdentity::self()
{
    const pid_t pid = ::getpid();
    return {pid, readStartTime(pid)};
}

ProcessIdentity ProcessIdentity::of(pid_t pid)
{
    if (!pidExists(pid))
        return {};
    return {pid, readStartTime(pid)};
}

bool ProcessIdentity::isAlive() const
{
    if (!pidExists(pid))
        return false;
    const std::uint64_t now = readStartTime(pid);
    // A zombie or a process we cannot inspect still counts as its PID's owner.
    return now == 0 || startTime == 0 || now == startTime;
}
