// SPDX-License-Identifier: BSD-3-Clause
#include "sys/process_identity.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace shmtools::detail {

namespace {

struct ProcStat {
    bool exists = false;
    bool exited = false; ///< a zombie: dead, just not reaped yet
    bool stopped = false; ///< stopped by a signal (T) or a tracer (t): it runs on only once continued
    std::uint64_t startTime = 0;
};

// Fields 3 (state) and 22 (start time) of the stat file in `dir` (/proc/PID or
// /proc/PID/task/TID); the command name (field 2) may contain spaces and parentheses, so parsing
// starts after the last ')'.
ProcStat readStatIn(const std::string &dir)
{
    const int fd = ::open((dir + "/stat").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    char buffer[1024];
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0)
        return {};
    buffer[n] = '\0';
    const char *cursor = std::strrchr(buffer, ')');
    if (!cursor || cursor[1] == '\0')
        return {};
    ProcStat stat;
    stat.exists = true;
    stat.exited = cursor[2] == 'Z' || cursor[2] == 'X';
    stat.stopped = cursor[2] == 'T' || cursor[2] == 't';
    // After ')' come fields 3..; skip to field 22.
    for (int field = 2; field < 22 && cursor; ++field)
        cursor = std::strchr(cursor + 1, ' ');
    stat.startTime = cursor ? std::strtoull(cursor + 1, nullptr, 10) : 0;
    return stat;
}

// /proc/PID/task/TID of a thread of `pid` that has not exited, if any.
std::optional<std::string> runningThreadDir(pid_t pid)
{
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR *dir = ::opendir(tasks.c_str());
    if (!dir)
        return std::nullopt;
    std::optional<std::string> found;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] == '.')
            continue;
        const std::string thread = tasks + "/" + entry->d_name;
        if (const ProcStat stat = readStatIn(thread); stat.exists && !stat.exited) {
            found = thread;
            break;
        }
    }
    ::closedir(dir);
    return found;
}

// The process's state: its main thread's, except that a process whose main thread has exited
// lives while any other thread does (a zombie main thread is not a dead process).
ProcStat readProcStat(pid_t pid)
{
    ProcStat stat = readStatIn("/proc/" + std::to_string(pid));
    if (stat.exited && runningThreadDir(pid))
        stat.exited = false;
    return stat;
}

// The last number of the NSpid line of /proc/PID/status (the PID in the process's own
// namespace), if there are at least two (its namespace is below ours); else 0.
pid_t pidInOwnNamespace(long pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *status = std::fopen(path, "re");
    if (!status)
        return 0;
    char line[256];
    pid_t last = 0;
    int levels = 0;
    while (std::fgets(line, sizeof line, status))
        if (std::strncmp(line, "NSpid:", 6) == 0) {
            char *cursor = line + 6;
            for (char *end = nullptr;; cursor = end) {
                const long value = std::strtol(cursor, &end, 10);
                if (end == cursor)
                    break;
                last = static_cast<pid_t>(value);
                ++levels;
            }
            break;
        }
    std::fclose(status);
    return levels >= 2 ? last : 0;
}

bool pidExists(pid_t pid)
{
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

} // namespace

ProcessIdentity ProcessIdentity::self()
{
    const pid_t pid = ::getpid();
    return {pid, readProcStat(pid).startTime};
}

ProcessIdentity ProcessIdentity::of(pid_t pid)
{
    const ProcStat stat = readProcStat(pid);
    if (!pidExists(pid) || stat.exited)
        return {};
    return {pid, stat.startTime};
}

bool isStopped(pid_t pid)
{
    return readProcStat(pid).stopped;
}

bool ProcessIdentity::isAlive() const
{
    if (!pidExists(pid))
        return false;
    const ProcStat stat = readProcStat(pid);
    if (!stat.exists)
        return true; // cannot inspect it (hidepid): the PID's existence is all we know
    return !stat.exited && (startTime == 0 || stat.startTime == startTime);
}

pid_t currentPid()
{
    return ::getpid();
}

std::string procDirOf(pid_t pid)
{
    const std::string dir = "/proc/" + std::to_string(pid);
    if (readStatIn(dir).exited)
        if (auto thread = runningThreadDir(pid))
            return *thread;
    return dir;
}

std::optional<FileIdentity> directorySeenBy(pid_t pid, const std::string &path)
{
    if (pid <= 0 || path.empty() || path[0] != '/')
        return std::nullopt;
    return directoryAt(procDirOf(pid) + "/root" + path);
}

std::optional<bool> sharesIpcNamespace(pid_t pid)
{
    struct stat theirs {}, ours {};
    if (pid <= 0 || ::stat((procDirOf(pid) + "/ns/ipc").c_str(), &theirs) != 0 ||
        ::stat("/proc/self/ns/ipc", &ours) != 0)
        return std::nullopt;
    return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
}

std::optional<FileIdentity> directoryAt(const std::string &path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        return std::nullopt;
    return FileIdentity{static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
}

pid_t pidSeenHere(pid_t pidThere, std::uint64_t pidNamespace)
{
    if (pidThere <= 0 || pidNamespace == 0)
        return 0;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return 0;
    pid_t found = 0;
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
        struct stat info {};
        // The namespace first: one stat, where the status file needs a read and a parse.
        if (::stat(path, &info) != 0 || static_cast<std::uint64_t>(info.st_ino) != pidNamespace)
            continue;
        if (pidInOwnNamespace(pid) == pidThere) {
            found = static_cast<pid_t>(pid);
            break;
        }
    }
    ::closedir(proc);
    return found;
}

bool processHasFileOpen(pid_t pid, const FileIdentity &file)
{
    const std::string directory = procDirOf(pid) + "/fd";
    DIR *fds = ::opendir(directory.c_str());
    if (fds == nullptr)
        return false;
    bool found = false;
    while (const dirent *entry = ::readdir(fds)) {
        struct stat info {};
        if (entry->d_name[0] == '.' || ::stat((directory + "/" + entry->d_name).c_str(), &info) != 0)
            continue;
        if (static_cast<std::uint64_t>(info.st_dev) == file.device && static_cast<std::uint64_t>(info.st_ino) == file.inode) {
            found = true;
            break;
        }
    }
    ::closedir(fds);
    return found;
}

} // namespace shmtools::detail
