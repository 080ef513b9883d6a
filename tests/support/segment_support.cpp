// SPDX-License-Identifier: BSD-3-Clause
#include "support/segment_support.h"

#include "sys/key_file.h"

#include <QCryptographicHash>
#include <QDir>
#include <QString>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shmtest {

namespace {

/// A SysV object seen once under a key: found again only if both id and key still match,
/// so that an id recycled by someone else is never taken for ours.
struct IpcObject {
    bool isSegment;
    int id;
    key_t sysvKey;
};

std::mutex g_mutex;
std::map<std::string, std::vector<IpcObject>, std::less<>> g_seen;

bool fileExists(const std::string &path)
{
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
}

key_t keyOfFile(const std::string &path)
{
    return fileExists(path) ? ftok(path.c_str(), 'Q') : key_t(-1);
}

bool objectExists(const IpcObject &object)
{
    if (object.isSegment) {
        shmid_ds ds{};
        return shmctl(object.id, IPC_STAT, &ds) == 0 && ds.shm_perm.__key == object.sysvKey;
    }
    semid_ds ds{};
    return semctl(object.id, 0, IPC_STAT, &ds) == 0 && ds.sem_perm.__key == object.sysvKey;
}

std::vector<IpcObject> objectsOf(std::string_view key)
{
    rememberIpc(key);
    std::lock_guard lock(g_mutex);
    auto found = g_seen.find(key);
    return found == g_seen.end() ? std::vector<IpcObject>{} : found->second;
}

} // namespace

std::string uniqueKey(std::string_view testName)
{
    static std::atomic<unsigned> counter{0};
    std::string name;
    for (char c : testName) {
        if (name.size() >= 16)
            break;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            name += c;
    }
    std::random_device device;
    char random[16];
    std::snprintf(random, sizeof random, "%08x", device());
    return "shmtest-" + name + "-" SHM_TEST_RUN_MARKER "-" + std::to_string(getpid()) + "-" +
           std::to_string(++counter) + "-" + random;
}

std::string qtKeyFile(std::string_view key, std::string_view prefix)
{
    const QString qkey = QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()));
    QString name = QString::fromUtf8(prefix.data(), static_cast<qsizetype>(prefix.size()));
    for (QChar ch : qkey) {
        if ((ch >= u'a' && ch <= u'z') || (ch >= u'A' && ch <= u'Z'))
            name += ch;
    }
    name += QString::fromLatin1(QCryptographicHash::hash(qkey.toUtf8(), QCryptographicHash::Sha1).toHex());
    return (QDir::tempPath() + u'/' + name).toStdString();
}

std::string shmKeyFile(std::string_view key)
{
    return qtKeyFile(key, "qipc_sharedmemory_");
}

std::string semKeyFile(std::string_view key)
{
    return qtKeyFile(key, "qipc_systemsem_");
}

int currentShmid(std::string_view key)
{
    const key_t sysvKey = keyOfFile(shmKeyFile(key));
    return sysvKey == -1 ? -1 : shmget(sysvKey, 0, 0);
}

int currentSemid(std::string_view key)
{
    const key_t sysvKey = keyOfFile(semKeyFile(key));
    return sysvKey == -1 ? -1 : semget(sysvKey, 0, 0);
}

void rememberIpc(std::string_view key)
{
    // A key file that is gone may still have its anchor (the same inode, so the same SysV key):
    // what a killed holder or a test removed on purpose is found through it.
    const auto keyOfFileOrAnchor = [](const std::string &file) {
        const key_t k = keyOfFile(file);
        return k != -1 ? k : keyOfFile(shmtools::detail::anchorPathFor(file));
    };
    std::vector<IpcObject> now;
    if (const key_t k = keyOfFileOrAnchor(shmKeyFile(key)); k != -1) {
        if (const int id = shmget(k, 0, 0); id != -1)
            now.push_back({true, id, k});
    }
    if (const key_t k = keyOfFileOrAnchor(semKeyFile(key)); k != -1) {
        if (const int id = semget(k, 0, 0); id != -1)
            now.push_back({false, id, k});
    }
    std::lock_guard lock(g_mutex);
    auto &seen = g_seen[std::string(key)];
    for (const auto &object : now) {
        const bool known = std::any_of(seen.begin(), seen.end(), [&](const IpcObject &o) {
            return o.isSegment == object.isSegment && o.id == object.id && o.sysvKey == object.sysvKey;
        });
        if (!known)
            seen.push_back(object);
    }
}

std::string leftoversReport(std::string_view key)
{
    std::ostringstream report;
    for (const auto &file : {shmKeyFile(key), semKeyFile(key)}) {
        if (fileExists(file))
            report << "key file " << file << "\n";
    }
    for (const auto &object : objectsOf(key)) {
        if (objectExists(object))
            report << (object.isSegment ? "shm segment id " : "semaphore id ") << object.id << " (key 0x" << std::hex
                   << object.sysvKey << std::dec << ")\n";
    }
    return report.str();
}

bool leftovers(std::string_view key)
{
    return !leftoversReport(key).empty();
}

void removeLeftovers(std::string_view key)
{
    for (const auto &object : objectsOf(key)) {
        if (!objectExists(object))
            continue;
        if (object.isSegment)
            shmctl(object.id, IPC_RMID, nullptr);
        else
            semctl(object.id, 0, IPC_RMID);
    }
    // A holder killed before its clean-up leaves its anchors (second links of the key files)
    // beside them; the library's own rule says where.
    for (const std::string &file : {shmKeyFile(key), semKeyFile(key)}) {
        unlink(file.c_str());
        unlink(shmtools::detail::anchorPathFor(file).c_str());
    }
}

std::string randomBytes(size_t n, bool nuls)
{
    static std::mt19937_64 engine{std::random_device{}()};
    std::string bytes(n, '\0');
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto &c : bytes)
        c = static_cast<char>(byte(engine));
    if (nuls && n >= 3) {
        for (size_t i = 1; i < n - 1; i += 251)
            bytes[i] = '\0';
        bytes[n / 2] = '\0';
        if (bytes[n - 1] == '\0')
            bytes[n - 1] = 'z';
    } else if (!nuls) {
        for (auto &c : bytes)
            if (c == '\0')
                c = '0';
    }
    return bytes;
}

ScratchDir::ScratchDir()
{
    if (!m_dir.isValid())
        throw std::runtime_error("cannot create a scratch directory: " + m_dir.errorString().toStdString());
}

std::string ScratchDir::path() const
{
    return m_dir.path().toStdString();
}

std::string ScratchDir::write(std::string_view name, std::string_view bytes) const
{
    const std::string file = path() + "/" + std::string(name);
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    stream.close();
    if (!stream)
        throw std::runtime_error("cannot write " + file);
    return file;
}

std::string readFile(const std::string &path)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        throw std::runtime_error("cannot open " + path);
    std::ostringstream bytes;
    bytes << stream.rdbuf();
    return bytes.str();
}

Holder::Holder(std::string key, HolderOptions options) : m_key(std::move(key))
{
    std::vector<std::string> args{"-d"};
    if (options.passKey)
        args.insert(args.end(), {"-k", m_key});
    args.insert(args.end(), {"-s", options.size});
    args.insert(args.end(), options.extraArgs.begin(), options.extraArgs.end());
    if (options.run.timeoutSeconds > 30)
        options.run.timeoutSeconds = 30;
    m_start = run(Tool::Create, args, options.run);

    const std::string &out = m_start.out;
    int pid = 0;
    const bool digitsAndNewline = out.size() >= 2 && out.back() == '\n' &&
                                  out.find_first_not_of("0123456789") == out.size() - 1 &&
                                  std::from_chars(out.data(), out.data() + out.size() - 1, pid).ec == std::errc{};
    if (!m_start.exited(0) || !digitsAndNewline || pid <= 0) {
        if (digitsAndNewline && pid > 0) {
            kill(pid, SIGKILL);
            waitGone(pid, 5);
        }
        removeLeftovers(m_key);
        throw std::runtime_error("holder did not start as expected:\n" + describe(m_start));
    }
    m_pid = pid;
    rememberIpc(m_key);
}

Disappearance Holder::stop(int sig, double timeoutSeconds)
{
    m_stopped = true;
    kill(m_pid, sig);
    Disappearance gone = waitGone(m_pid, timeoutSeconds);
    if (!gone.gone) {
        kill(m_pid, SIGKILL);
        waitGone(m_pid, 5);
    }
    return gone;
}

Holder::~Holder()
{
    if (!m_stopped)
        stop(SIGTERM, 10);
    removeLeftovers(m_key);
}

} // namespace shmtest
