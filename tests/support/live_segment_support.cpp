// SPDX-License-Identifier: BSD-3-Clause
#include "support/live_segment_support.h"

#include "support/catch_compat.h"
#include "support/cli_support.h"

#include <QDir>

#include <csignal>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace shmtools::detail;
using shmtools::Result;

namespace shmtest {

namespace {

template <typename T>
T orThrow(Result<T> result, const char *what)
{
    if (!result)
        throw std::runtime_error(std::string(what) + ": " + result.error().message);
    return std::move(*result);
}

std::string baseName(const std::string &path)
{
    return path.substr(path.rfind('/') + 1);
}

} // namespace

LiveSegment::LiveSegment(const std::string &key)
{
    m_names = orThrow(ipcNamesFor(key), "ipcNamesFor");
    const int shmid = orThrow(findSegment(m_names), "findSegment");
    m_status = orThrow(statSegment(shmid, m_names), "statSegment");
    m_semaphore.emplace(orThrow(Semaphore::open(m_names), "Semaphore::open"));
    m_mapping = orThrow(SegmentMapping::attach(shmid, m_status.size, m_names), "SegmentMapping::attach");
    if (m_mapping.size() < layout::kHeaderSize)
        throw std::runtime_error("LiveSegment: " + key + " is smaller than a shm-tools header");
}

Semaphore::Lock LiveSegment::lock() const
{
    auto taken = m_semaphore->lock(Deadline::after(10));
    if (!taken)
        throw std::runtime_error("LiveSegment: " + taken.error().message);
    return std::move(*taken);
}

layout::SegmentHeader LiveSegment::header() const
{
    const auto held = lock();
    layout::SegmentHeader copy;
    std::memcpy(&copy, m_mapping.data(), sizeof copy);
    return copy;
}

layout::SegmentHeader LiveSegment::peek() const
{
    layout::SegmentHeader copy;
    std::memcpy(&copy, m_mapping.data(), sizeof copy);
    return copy;
}

void LiveSegment::setHeader(const layout::SegmentHeader &header)
{
    const auto held = lock();
    std::memcpy(m_mapping.data(), &header, sizeof header);
}

void LiveSegment::edit(const std::function<void(layout::SegmentHeader &)> &edit)
{
    const auto held = lock();
    edit(*reinterpret_cast<layout::SegmentHeader *>(m_mapping.data()));
}

unsigned char *LiveSegment::slotData(std::uint32_t slot) const
{
    const auto *header = reinterpret_cast<const layout::SegmentHeader *>(m_mapping.data());
    return m_mapping.data() + layout::kHeaderSize + std::uint64_t{slot} * header->slotStride;
}

bool hasClaim(const layout::SegmentHeader &header, pid_t pid)
{
    for (const auto &slot : header.slots)
        if (slot.state == layout::SlotWriting && slot.writer.pid != 0 && (pid == 0 || slot.writer.pid == pid))
            return true;
    return false;
}

bool hasPin(const layout::SegmentHeader &header, pid_t pid)
{
    for (const auto &pin : header.pins)
        if (pin.reader.token != 0 && pin.reader.pid == pid) // format 3: a pin is its token; giving it back clears the token only
            return true;
    return false;
}

bool waitUntil(const std::function<bool()> &condition, double timeoutSeconds)
{
    const double deadline = now() + timeoutSeconds;
    for (;;) {
        if (condition())
            return true;
        if (now() >= deadline)
            return condition();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

static std::string setprivPath()
{
    // posix_spawn does not search PATH.
    return ::access("/usr/bin/setpriv", X_OK) == 0 ? "/usr/bin/setpriv" : "/bin/setpriv";
}

namespace {

/// A copy of the programs under test and of libshmtools in a directory under /tmp that every user
/// can search: the build tree may sit where another user cannot reach it (/root is 0700), and a
/// test acting as nobody must run the very same binaries. Laid out as bin/ and lib/, so that the
/// tools' RUNPATH ($ORIGIN/../lib) finds the copied library. Made on first use, removed at exit.
class CopyForOthers {
public:
    CopyForOthers()
    {
        namespace fs = std::filesystem;
        char pattern[] = "/tmp/shm-tools-others-XXXXXX";
        if (::mkdtemp(pattern) == nullptr)
            throw std::runtime_error(std::string("mkdtemp /tmp/shm-tools-others-XXXXXX: ") + std::strerror(errno));
        m_root = pattern;
        const auto searchable = fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec;
        fs::permissions(m_root, searchable);
        fs::create_directory(m_root / "bin");
        fs::create_directory(m_root / "lib");
        fs::permissions(m_root / "bin", searchable);
        fs::permissions(m_root / "lib", searchable);
        for (Tool tool : {Tool::Create, Tool::Load, Tool::Read, Tool::QtPeer})
            fs::copy_file(binary(tool), copyOf(binary(tool)));
        const fs::path libraries = fs::path(binary(Tool::Create)).parent_path() / ".." / "lib";
        for (const fs::directory_entry &entry : fs::directory_iterator(libraries))
            if (entry.path().filename().string().rfind("libshmtools.so", 0) == 0)
                fs::copy_file(entry.path(), m_root / "lib" / entry.path().filename()); // follows links
    }
    ~CopyForOthers()
    {
        std::error_code ignored;
        std::filesystem::remove_all(m_root, ignored);
    }
    CopyForOthers(const CopyForOthers &) = delete;
    CopyForOthers &operator=(const CopyForOthers &) = delete;

    /// Where the copy of the program at PATH (one of binary(...)) lies.
    std::filesystem::path copyOf(const std::string &path) const
    {
        return m_root / "bin" / std::filesystem::path(path).filename();
    }

private:
    std::filesystem::path m_root;
};

} // namespace

std::string reachableByOthers(const std::string &path)
{
    for (Tool tool : {Tool::Create, Tool::Load, Tool::Read, Tool::QtPeer})
        if (path == binary(tool)) {
            static const CopyForOthers copy;
            return copy.copyOf(path).string();
        }
    return path;
}

std::vector<std::string> asNobody(const std::vector<std::string> &argv)
{
    std::vector<std::string> full{setprivPath(), "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"};
    for (const std::string &word : argv)
        full.push_back(reachableByOthers(word));
    return full;
}

std::string whyNobodyCannotRun()
{
    if (::geteuid() != 0)
        return "not running as root, so the tests cannot act as another user";
    if (::access(setprivPath().c_str(), X_OK) != 0)
        return "setpriv (util-linux) is not installed";
    for (Tool tool : {Tool::QtPeer, Tool::Read}) {
        RunOptions options;
        options.timeoutSeconds = 20;
        const ProcessResult probe = run(asNobody({binary(tool), "--help"}), options);
        // qt_peer answers --help with its usage (exit 2); the tools with exit 0.
        if (probe.exitCode != (tool == Tool::QtPeer ? 2 : 0))
            return "nobody cannot run " + reachableByOthers(binary(tool)) + ", the copy made for other users:\n" +
                   describe(probe);
    }
    return {};
}

SharedScratchDir::SharedScratchDir()
{
    if (::chmod(m_dir.path().c_str(), 01777) != 0)
        throw std::runtime_error("chmod 1777 " + m_dir.path() + ": " + std::strerror(errno));
}

std::string SharedScratchDir::write(std::string_view name, std::string_view bytes, mode_t mode) const
{
    const std::string file = m_dir.write(name, bytes);
    if (::chmod(file.c_str(), mode) != 0)
        throw std::runtime_error("chmod " + file + ": " + std::strerror(errno));
    return file;
}

std::string SharedScratchDir::keyFile(std::string_view key, bool semaphore) const
{
    return path() + "/" + baseName(semaphore ? semKeyFile(key) : shmKeyFile(key));
}

std::vector<std::string> SharedScratchDir::qipcFiles() const
{
    std::vector<std::string> files;
    const QDir dir(QString::fromStdString(path()));
    for (const QString &name : dir.entryList(QDir::Files | QDir::Hidden | QDir::System))
        if (name.startsWith(QLatin1String("qipc_")))
            files.push_back(name.toStdString());
    return files;
}

IpcIds IpcIds::of(const std::string &segmentKeyFile, const std::string &semaphoreKeyFile)
{
    IpcIds ids;
    struct stat info {};
    if (::lstat(segmentKeyFile.c_str(), &info) == 0) {
        ids.shmKey = ::ftok(segmentKeyFile.c_str(), 'Q');
        ids.shmid = ids.shmKey == -1 ? -1 : ::shmget(ids.shmKey, 0, 0);
    }
    if (::lstat(semaphoreKeyFile.c_str(), &info) == 0) {
        ids.semKey = ::ftok(semaphoreKeyFile.c_str(), 'Q');
        ids.semid = ids.semKey == -1 ? -1 : ::semget(ids.semKey, 0, 0);
    }
    return ids;
}

std::string IpcIds::describe() const
{
    std::ostringstream text;
    if (shmid != -1) {
        shmid_ds ds{};
        if (::shmctl(shmid, IPC_STAT, &ds) == 0 && ds.shm_perm.__key == shmKey)
            text << "segment " << shmid << " (key 0x" << std::hex << shmKey << std::dec << ") still exists\n";
    }
    if (semid != -1) {
        semid_ds ds{};
        if (::semctl(semid, 0, IPC_STAT, &ds) == 0 && ds.sem_perm.__key == semKey)
            text << "semaphore " << semid << " (key 0x" << std::hex << semKey << std::dec << ") still exists\n";
    }
    return text.str();
}

bool IpcIds::gone() const
{
    return describe().empty();
}

pid_t deadPid()
{
    const ProcessResult done = run({"/bin/true"});
    return done.pid;
}

pid_t startDetachedHolder(const std::vector<std::string> &argvPrefix, const std::string &key, const std::string &size,
                          const RunOptions &options)
{
    std::vector<std::string> argv = argvPrefix;
    // A prefix (asNobody) runs it as another user, who needs the copy it can reach.
    const std::string create = argvPrefix.empty() ? binary(Tool::Create) : reachableByOthers(binary(Tool::Create));
    argv.insert(argv.end(), {create, "-d", "-q", "-k", key, "-s", size});
    const ProcessResult started = run(argv, options);
    const std::string &out = started.out;
    int pid = 0;
    if (!started.exited(0) || out.size() < 2 || out.back() != '\n' ||
        std::from_chars(out.data(), out.data() + out.size() - 1, pid).ptr != out.data() + out.size() - 1 || pid <= 0)
        throw std::runtime_error("the holder did not start:\n" + shmtest::describe(started));
    return pid;
}

LockedOrphan::LockedOrphan(const std::string &key)
{
    dead.emplace(key, HolderOptions::sized("64K"));
    REQUIRE_EXIT(loadStdin(key, "kept"), 0);
    rememberIpc(key);
    locker.emplace(Tool::QtPeer, std::vector<std::string>{"hold-lock", key, "120"});
    REQUIRE(locker->waitFor(1, "locked", 20));
    REQUIRE(locker->signal(SIGSTOP));
    REQUIRE(dead->stop(SIGKILL).gone);
}

} // namespace shmtest
