// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// What several unit files share: a child process for a case that changes process-wide state or
// plays another process, a pipe, and a key whose files live in a scratch directory of its own.

#include "sys/ipc_names.h"
#include "sys/sysv.h"

#include "support/catch_compat.h"

#include <QTemporaryDir>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace unit {

using namespace shmtools::detail;

/// In a child of fork(): SIGTERM and SIGINT, which cases send to their children, back to their
/// default. The test runner catches them (Catch2's fatal condition handlers) to report the case
/// failed, which a child that inherited them would do on the parent's behalf instead of dying.
inline void defaultSignalsInChild()
{
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
}

/// Runs `body` in a child of fork() and returns its exit code, or 100 + the signal that killed
/// it: for cases whose state is process-wide and stays (interrupt handlers, whose recorded signal
/// stays recorded; the descriptor limit). `body` reports by its return value, never by a check:
/// the child must not run the test runner's code.
inline int inChild(const std::function<int()> &body)
{
    const pid_t child = ::fork();
    if (child == 0) {
        defaultSignalsInChild();
        int code = 99; // an exception in the child
        try {
            code = body();
        } catch (...) {
        }
        std::_Exit(code);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

/// A pipe (close-on-exec), both ends closed at the end of the scope.
struct Pipe {
    int fds[2] = {-1, -1};
    Pipe() { REQUIRE(::pipe2(fds, O_CLOEXEC) == 0); }
    ~Pipe() { closeRead(), closeWrite(); }
    Pipe(const Pipe &) = delete;
    Pipe &operator=(const Pipe &) = delete;
    void closeRead()
    {
        if (fds[0] >= 0)
            ::close(fds[0]), fds[0] = -1;
    }
    void closeWrite()
    {
        if (fds[1] >= 0)
            ::close(fds[1]), fds[1] = -1;
    }
};

/// A process of the case's own, started by fork() to play a holder, a loader or a victim: it runs
/// `body` (which returns its exit code) and is SIGKILLed and reaped at the end of the scope if
/// the case did not reap it. `ready()` waits for the byte the body writes to `readyFd` once it is
/// set up; `release()` closes the pipe the body may wait on (`waitForRelease`).
class ChildProcess {
public:
    using Body = std::function<int(int readyFd, int releaseFd)>;
    explicit ChildProcess(const Body &body)
    {
        m_pid = ::fork();
        REQUIRE(m_pid >= 0);
        if (m_pid == 0) {
            defaultSignalsInChild();
            m_ready.closeRead();
            m_release.closeWrite();
            int code = 99;
            try {
                code = body(m_ready.fds[1], m_release.fds[0]);
            } catch (...) {
            }
            std::_Exit(code);
        }
        m_ready.closeWrite();
        m_release.closeRead();
    }
    ~ChildProcess()
    {
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    pid_t pid() const { return m_pid; }
    /// True once the child said it is ready; false if it exited first.
    bool ready()
    {
        char byte = 0;
        ssize_t n;
        while ((n = ::read(m_ready.fds[0], &byte, 1)) < 0 && errno == EINTR) {
        }
        return n == 1;
    }
    /// The read end of the pipe behind the body's `readyFd`: what the body writes after ready.
    int fromChild() const { return m_ready.fds[0]; }
    /// Lets a child blocked in waitForRelease() go on.
    void release() { m_release.closeWrite(); }
    /// Reaps the child: its exit code, or 100 + the signal that ended it.
    int wait()
    {
        int status = 0;
        const pid_t reaped = ::waitpid(m_pid, &status, 0);
        m_pid = 0;
        if (reaped <= 0)
            return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
    }

    /// For the body: tells the parent it is ready.
    static void tellReady(int readyFd) { [[maybe_unused]] const ssize_t n = ::write(readyFd, "r", 1); }
    /// For the body: blocks until the parent calls release() (or ends).
    static void waitForRelease(int releaseFd)
    {
        char byte;
        while (::read(releaseFd, &byte, 1) < 0 && errno == EINTR) {
        }
    }

private:
    Pipe m_ready;
    Pipe m_release;
    pid_t m_pid = -1;
};

/// How many descriptors this process has open now.
inline int openDescriptors()
{
    int count = 0;
    DIR *fds = ::opendir("/proc/self/fd");
    REQUIRE(fds != nullptr);
    while (const dirent *entry = ::readdir(fds))
        count += entry->d_name[0] != '.';
    ::closedir(fds);
    return count - 1; // the directory's own
}

/// The ids of a key's segment and semaphore.
struct KeyIds {
    int shmid = -1;
    int semid = -1;
};

/// A key whose key files go in a scratch directory of its own, so that no other test or user
/// meets it. At the end of the scope, whatever a failed case left under the key (its segment,
/// its semaphore) is removed, and the directory with the files in it.
struct ScratchKey {
    QTemporaryDir dir;
    IpcNames names;
    ScratchKey()
    {
        REQUIRE(dir.isValid());
        const std::string path = dir.path().toStdString();
        names = IpcNames{"unit-key", path + "/qipc_sharedmemory_unit", path + "/qipc_systemsem_unit", path};
    }
    ~ScratchKey()
    {
        if (auto shmid = findSegment(names))
            removeSegment(*shmid);
        if (auto semaphore = Semaphore::open(names))
            semaphore->remove();
    }
    ScratchKey(const ScratchKey &) = delete;
    ScratchKey &operator=(const ScratchKey &) = delete;

    /// The System V key of the semaphore key file, made if missing (Semaphore::openOrCreate
    /// takes the key of the file its caller anchored).
    key_t semaphoreKey() const
    {
        auto keyFile = ensureKeyFile(names.semaphoreKeyFile, names, "semaphore");
        REQUIRE(keyFile);
        return keyFile->key;
    }

    /// The ids of the key's segment and semaphore now, which must both exist.
    KeyIds ids() const
    {
        auto shmid = findSegment(names);
        auto semaphore = Semaphore::open(names);
        REQUIRE(shmid);
        REQUIRE(semaphore);
        return {*shmid, semaphore->id()};
    }
    /// Checks that nothing of the key is left: the segment and semaphore `ids` (by id: the key
    /// files may be gone), the key files and their anchors.
    void checkNothingLeft(const KeyIds &ids) const
    {
        auto status = statSegment(ids.shmid, names);
        CHECK((!status || status->markedForRemoval));
        CHECK_FALSE(semaphoreIdExists(ids.semid));
        CHECK_FALSE(keyFilesLeft());
    }
    /// True if a key file of the key, or a holder's anchor of one, is still there.
    bool keyFilesLeft() const
    {
        for (const std::string &path : {names.segmentKeyFile, names.semaphoreKeyFile})
            if (::access(path.c_str(), F_OK) == 0 || ::access(anchorPathFor(path).c_str(), F_OK) == 0)
                return true;
        return false;
    }
};

} // namespace unit
