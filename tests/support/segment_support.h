// SPDX-License-Identifier: BSD-3-Clause
#pragma once

// Keys, holders and clean-up for CLI tests. Everything here is derived independently of the
// code under test (Qt's key-file rule, SysV IPC_STAT), so that the tests are a second opinion.

#include "support/process_support.h"

#include <QTemporaryDir>

#include <csignal>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace shmtest {

/// A key no other test (in this or any parallel process) uses: shmtest-NAME-RUN-PID-N-RANDOM.
/// NAME is cut down to a few letters and digits so that the Qt key file name stays short. RUN
/// is the letters naming this build (tests/CMakeLists.txt), which stay in the key files' names:
/// by them leaks.check tells what this build's cases left in /tmp.
std::string uniqueKey(std::string_view testName);

/// Qt 6.4's key file for KEY: QDir::tempPath()/PREFIX<ASCII letters of KEY><sha1hex(KEY)>.
std::string qtKeyFile(std::string_view key, std::string_view prefix);
/// The key file of KEY's segment (prefix qipc_sharedmemory_).
std::string shmKeyFile(std::string_view key);
/// The key file of KEY's semaphore (prefix qipc_systemsem_).
std::string semKeyFile(std::string_view key);

/// The segment's shmid found through its key file (ftok(file, 'Q')), or -1.
int currentShmid(std::string_view key);
/// The semaphore's semid found through its key file, or -1.
int currentSemid(std::string_view key);

/// Notes the SysV objects KEY has now, so that leftovers() still finds them after their key
/// files are gone (without a key file there is no way back from the key to the object). A key
/// file already gone is looked up through its anchor, if a holder left one.
void rememberIpc(std::string_view key);
/// True if a key file, segment or semaphore of KEY (found now or remembered) still exists.
bool leftovers(std::string_view key);
/// What leftovers() found, one item per line; empty if nothing.
std::string leftoversReport(std::string_view key);
/// Removes every remembered or current segment, semaphore and key file of KEY, and the anchors a
/// killed holder left beside the key files (where they are is the library's anchorPathFor: only
/// clean-up relies on it, no check). Never fails.
void removeLeftovers(std::string_view key);

/// N random bytes. With NULS (the default) and N >= 3, some bytes are NUL (byte 1 among them)
/// while the last is not, so that a tool that stops at a NUL or trims NULs cannot pass.
std::string randomBytes(size_t n, bool nuls = true);

/// A scratch directory removed with everything in it at the end of the scope.
class ScratchDir {
public:
    ScratchDir();
    std::string path() const;
    /// Writes BYTES to NAME inside the directory and returns the file's path. Throws on failure.
    std::string write(std::string_view name, std::string_view bytes) const;

private:
    QTemporaryDir m_dir;
};

/// Reads a whole file (binary); throws if it cannot.
std::string readFile(const std::string &path);

/// Removes KEY's leftovers at the end of the scope, for tests whose segments come from qt_peer
/// or that may fail halfway; it does not hide anything a test asserts before the scope ends.
class KeyGuard {
public:
    explicit KeyGuard(std::string key) : m_key(std::move(key)) {}
    ~KeyGuard() { removeLeftovers(m_key); }
    KeyGuard(const KeyGuard &) = delete;
    KeyGuard &operator=(const KeyGuard &) = delete;
    const std::string &key() const { return m_key; }

private:
    std::string m_key;
};

struct HolderOptions {
    std::string size = "64K";
    std::vector<std::string> extraArgs;
    RunOptions run;
    bool passKey = true; ///< false: no -k, the key must come from SHM_KEY in run.env

    /// Defaults with capacity SIZE.
    static HolderOptions sized(std::string size)
    {
        HolderOptions options;
        options.size = std::move(size);
        return options;
    }
};

/// A detached shm-create holding KEY: `shm-create -d -k KEY -s SIZE [extra]`. The constructor
/// throws (with the command's output) unless the holder starts and prints its PID. The
/// destructor stops it (SIGTERM) if the test did not, then removes whatever is left of KEY.
class Holder {
public:
    explicit Holder(std::string key, HolderOptions options = {});
    ~Holder();
    Holder(const Holder &) = delete;
    Holder &operator=(const Holder &) = delete;

    pid_t pid() const { return m_pid; }
    const std::string &key() const { return m_key; }
    /// The `shm-create -d` run that started it.
    const ProcessResult &startResult() const { return m_start; }
    /// Sends SIG and waits until the holder is gone (SIGKILL after TIMEOUT, then the result
    /// says gone == false). Leaves clean-up to the holder, so that tests can check leftovers().
    Disappearance stop(int sig = SIGTERM, double timeoutSeconds = 30);

private:
    std::string m_key;
    pid_t m_pid = 0;
    bool m_stopped = false;
    ProcessResult m_start;
};

} // namespace shmtest
