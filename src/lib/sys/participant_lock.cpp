// SPDX-License-Identifier: BSD-3-Clause
#include "sys/participant_lock.h"

#include "sys/process_identity.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace shmtools::detail {

namespace {

// Tokens stay clear of the low offsets anybody else might lock in a file (2^32) and of the top of
// off_t, so that a one-byte lock never wraps.
constexpr std::uint64_t kTokenFloor = std::uint64_t{1} << 32;
constexpr std::uint64_t kTokenSpan = (std::uint64_t{1} << 62) - kTokenFloor;

std::atomic<std::uint64_t> g_forkGeneration{0};

} // namespace

struct ParticipantLock::State {
    int fd = -1;
    std::uint64_t token = 0;
    std::uint64_t generation = 0;
};

namespace {

// Every live ParticipantLock, so that the child of a fork() can close their descriptors. The
// handlers run around fork() in the forking thread: `prepare` takes the mutex so that no other
// thread is halfway through taking or dropping one, `parent` gives it back, `child` (the only
// thread there) closes the descriptors without allocating, then gives it back. A descriptor
// carries its participant's lock from the fcntl() on, so it is opened, locked and registered
// under the mutex in one go, and unregistered and closed in one go: a fork() in another thread
// meets it either in the registry or not open at all, never in between.
pthread_mutex_t g_registryMutex = PTHREAD_MUTEX_INITIALIZER;
std::vector<ParticipantLock::State *> *g_registry = nullptr;

void prepareFork()
{
    ::pthread_mutex_lock(&g_registryMutex);
}

void afterForkInParent()
{
    ::pthread_mutex_unlock(&g_registryMutex);
}

void afterForkInChild()
{
    g_forkGeneration.fetch_add(1, std::memory_order_relaxed);
    if (g_registry)
        for (ParticipantLock::State *state : *g_registry)
            if (state->fd >= 0)
                ::close(std::exchange(state->fd, -1)); // the parent's description keeps its lock
    ::pthread_mutex_unlock(&g_registryMutex);
}

// Holds the registry's mutex for a scope (and installs the fork handlers before the first use).
class RegistryLock {
public:
    RegistryLock()
    {
        static std::once_flag installed;
        std::call_once(installed, [] { ::pthread_atfork(prepareFork, afterForkInParent, afterForkInChild); });
        ::pthread_mutex_lock(&g_registryMutex);
    }
    ~RegistryLock() { ::pthread_mutex_unlock(&g_registryMutex); }
    RegistryLock(const RegistryLock &) = delete;
    RegistryLock &operator=(const RegistryLock &) = delete;
};

// Both called with the registry's mutex held.
void registerState(ParticipantLock::State *state)
{
    if (!g_registry)
        g_registry = new std::vector<ParticipantLock::State *>(); // never freed: handlers may run at exit
    g_registry->push_back(state);
}

void unregisterState(ParticipantLock::State *state)
{
    g_registry->erase(std::remove(g_registry->begin(), g_registry->end(), state), g_registry->end());
}

std::uint64_t randomToken()
{
    std::uint64_t value = 0;
    // getrandom() of 8 bytes never blocks once the pool is initialised and is never short.
    while (::getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value) && errno == EINTR) {
    }
    return kTokenFloor + value % kTokenSpan;
}

// F_OFD_GETLK: is byte `token` write-locked by another open file description? A lock of the
// asking description itself never conflicts, so it reads as free. nullopt if the kernel says
// nothing (a bad descriptor).
std::optional<bool> lockedByOther(int fd, std::uint64_t token)
{
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = static_cast<off_t>(token);
    probe.l_len = 1;
    probe.l_pid = 0;
    if (::fcntl(fd, F_OFD_GETLK, &probe) != 0)
        return std::nullopt;
    return probe.l_type != F_UNLCK;
}

bool validToken(std::uint64_t token)
{
    return token >= kTokenFloor && token - kTokenFloor < kTokenSpan;
}

Error openError(const std::string &key, const std::string &path, int error)
{
    if (error == EMFILE || error == ENFILE)
        return makeError(ErrorCode::Failure, key + ": cannot open the key file " + path + ": no file descriptor left (" +
                                                std::strerror(error) +
                                                (error == EMFILE ? ", RLIMIT_NOFILE reached" : ", system-wide limit") +
                                                "); raise the limit (ulimit -n) or close descriptors");
    if (error == ENOENT)
        return makeError(ErrorCode::NoSegment, key + ": its key file " + path + " was removed meanwhile",
                         Remedy::StartHolder);
    if (error == ELOOP || error == ENXIO || error == EACCES)
        return makeError(ErrorCode::Unsafe, key + ": refusing: key file " + path +
                                               " cannot be opened as a regular file of yours (" + std::strerror(error) +
                                               "); remove it or use another key");
    return makeError(ErrorCode::Failure, key + ": cannot open the key file " + path + ": " + std::strerror(error));
}

} // namespace

Result<ParticipantLock> ParticipantLock::take(const std::string &keyFile, const FileIdentity &expected,
                                              const std::string &key)
{
    auto state = std::make_unique<State>();
    state->generation = forkGeneration();
    // From open() to registration in one go (see g_registryMutex): a fork() in another thread
    // waits for it. No allocation below may throw while the descriptor is open but unregistered
    // (the registry reserves room first).
    const RegistryLock registry;
    if (!g_registry)
        g_registry = new std::vector<ParticipantLock::State *>(); // never freed: handlers may run at exit
    g_registry->reserve(g_registry->size() + 1);
    const int fd = ::open(keyFile.c_str(), O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return openError(key, keyFile, errno);
    state->fd = fd;
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_uid != ::geteuid()) {
        ::close(fd);
        return makeError(ErrorCode::Unsafe,
                         key + ": refusing: key file " + keyFile + " is not a regular file owned by you");
    }
    if (static_cast<std::uint64_t>(info.st_dev) != expected.device ||
        static_cast<std::uint64_t>(info.st_ino) != expected.inode) {
        ::close(fd);
        return makeError(ErrorCode::Failure, key + ": the key file " + keyFile + " was replaced meanwhile; retry",
                         Remedy::None);
    }
    // A taken byte belongs to another participant: draw again (2^62 bytes make that rare).
    for (int attempt = 0; attempt < 64; ++attempt) {
        const std::uint64_t token = randomToken();
        struct flock lock {};
        lock.l_type = F_WRLCK;
        lock.l_whence = SEEK_SET;
        lock.l_start = static_cast<off_t>(token);
        lock.l_len = 1;
        if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) {
            state->token = token;
            registerState(state.get());
            return ParticipantLock(std::move(state));
        }
        if (errno != EAGAIN && errno != EACCES) {
            const int error = errno;
            ::close(fd);
            return makeError(ErrorCode::Failure, key + ": cannot lock a byte of the key file " + keyFile + " (" +
                                                    std::strerror(error) +
                                                    "); the file system must support OFD locks (tmpfs, ext4, xfs)");
        }
    }
    ::close(fd);
    return makeError(ErrorCode::Failure, key + ": no free byte to lock in the key file " + keyFile);
}

ParticipantLock::ParticipantLock(std::unique_ptr<State> state) : m_state(std::move(state)) {}

ParticipantLock::ParticipantLock(ParticipantLock &&other) noexcept = default;

ParticipantLock &ParticipantLock::operator=(ParticipantLock &&other) noexcept
{
    if (this != &other) {
        ParticipantLock dropped(std::move(*this));
        m_state = std::move(other.m_state);
    }
    return *this;
}

ParticipantLock::~ParticipantLock()
{
    if (!m_state)
        return;
    // Unregistered and closed in one go (see g_registryMutex). In a child the descriptor was
    // closed by the fork handler; its number may be reused now.
    const RegistryLock registry;
    unregisterState(m_state.get());
    if (m_state->fd >= 0 && !forked())
        ::close(std::exchange(m_state->fd, -1));
}

namespace {

bool setByteLock(int fd, std::uint64_t offset, short type)
{
    struct flock lock {};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = static_cast<off_t>(offset);
    lock.l_len = 1;
    return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

} // namespace

bool ParticipantLock::markHolder(bool raw)
{
    if (!m_state || m_state->fd < 0 || forked())
        return false;
    // The kind's byte first, then the claim both kinds share: two holders of one kind meet on the
    // first, a raw and a normal one (starting at the same instant in two IPC namespaces, where no
    // shmget(IPC_EXCL) picks one) on the second. Whoever holds the claim holds its kind's byte
    // already, so the one refused finds the other's mark (liveHolderMark) once it let go of its own.
    const std::uint64_t own = raw ? kRawHolderMark : kHolderMark;
    if (!setByteLock(m_state->fd, own, F_WRLCK))
        return false;
    if (setByteLock(m_state->fd, kHolderClaim, F_WRLCK))
        return true;
    setByteLock(m_state->fd, own, F_UNLCK);
    return false;
}

std::optional<pid_t> ParticipantLock::markedHolder() const
{
    if (!m_state || m_state->fd < 0 || forked() || !lockedByOther(m_state->fd, kHolderMark).value_or(false))
        return std::nullopt;
    struct stat info {};
    if (::fstat(m_state->fd, &info) != 0)
        return pid_t{0};
    return processHoldingLock({static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)},
                              kHolderMark);
}

std::uint64_t ParticipantLock::token() const
{
    return m_state ? m_state->token : 0;
}

bool ParticipantLock::forked() const
{
    return m_state && m_state->generation != forkGeneration();
}

bool ParticipantLock::isAlive(std::uint64_t token) const
{
    if (token == 0)
        return false;
    if (m_state && token == m_state->token)
        return true;
    // Not a token any participant could have taken: a scribble, and nobody's.
    if (!validToken(token))
        return false;
    if (!m_state || forked())
        return true;
    return lockedByOther(m_state->fd, token).value_or(true);
}

namespace {

// Whether an OFD lock held through another description covers byte `offset` of the key file at
// `path`, which must be the regular file `expected`; nullopt if it is not. Judged by lstat before
// anything is opened: what is planted there instead (a FIFO) is never opened, as opening a FIFO's
// read end would release a writer blocked on it. What was opened is checked again (a swap between
// the two looks is another file).
std::optional<bool> probeLockAt(const std::string &path, const FileIdentity &expected, std::uint64_t offset)
{
    const auto isExpected = [&](const struct stat &info) {
        return S_ISREG(info.st_mode) && static_cast<std::uint64_t>(info.st_dev) == expected.device &&
               static_cast<std::uint64_t>(info.st_ino) == expected.inode;
    };
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !isExpected(info))
        return std::nullopt;
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::optional<bool> locked;
    if (::fstat(fd, &info) == 0 && isExpected(info))
        locked = lockedByOther(fd, offset);
    ::close(fd);
    return locked;
}

} // namespace

std::optional<bool> probeToken(const std::string &path, const FileIdentity &expected, std::uint64_t token)
{
    if (token == 0 || !validToken(token))
        return false;
    return probeLockAt(path, expected, token);
}

std::optional<bool> probeHolderMark(const std::string &path, const FileIdentity &expected, std::uint64_t mark)
{
    return probeLockAt(path, expected, mark);
}

namespace {

// Whether the fdinfo of /proc/PID/fdinfo/FD lists an OFD lock starting at `offset` (a line
// "lock:\t1: OFDLCK ADVISORY WRITE -1 MAJ:MIN:INODE START END").
std::optional<bool> fdinfoHasLockAt(const char *path, std::uint64_t offset)
{
    FILE *info = std::fopen(path, "re");
    if (!info)
        return errno == ENOENT ? std::optional<bool>(false) : std::nullopt;
    char line[256];
    bool found = false;
    while (!found && std::fgets(line, sizeof line, info)) {
        if (std::strncmp(line, "lock:", 5) != 0 || !std::strstr(line, "OFDLCK"))
            continue;
        // START is the second to last number of the line.
        char *end = line + std::strlen(line);
        while (end > line && (end[-1] == '\n' || end[-1] == ' '))
            --end;
        *end = '\0';
        char *last = std::strrchr(line, ' ');
        if (!last)
            continue;
        *last = '\0';
        const char *start = std::strrchr(line, ' ');
        found = start && std::strtoull(start + 1, nullptr, 10) == offset;
    }
    std::fclose(info);
    return found;
}

} // namespace

std::optional<bool> processHoldsLock(pid_t pid, const FileIdentity &file, std::uint64_t offset)
{
    // A process whose main thread has exited shows its descriptors only in a running thread's.
    const std::string dir = procDirOf(pid);
    char path[PATH_MAX];
    std::snprintf(path, sizeof path, "%s/fd", dir.c_str());
    DIR *fds = ::opendir(path);
    if (!fds)
        return std::nullopt;
    // The directory may be listed where its entries cannot be followed (from a user namespace,
    // the process's own being the parent's: EACCES), or no descriptor may be left to read an
    // fdinfo (EMFILE): then /proc cannot tell, which is not "no".
    std::optional<bool> holds = false;
    while (const dirent *fd = ::readdir(fds)) {
        if (fd->d_name[0] == '.')
            continue;
        std::snprintf(path, sizeof path, "%s/fd/%s", dir.c_str(), fd->d_name);
        struct stat target {};
        if (::stat(path, &target) != 0) {
            if (errno != ENOENT) // ENOENT: closed meanwhile
                holds = std::nullopt;
            continue;
        }
        if (static_cast<std::uint64_t>(target.st_dev) != file.device ||
            static_cast<std::uint64_t>(target.st_ino) != file.inode)
            continue;
        std::snprintf(path, sizeof path, "%s/fdinfo/%s", dir.c_str(), fd->d_name);
        const std::optional<bool> listed = fdinfoHasLockAt(path, offset);
        if (listed.value_or(false)) {
            holds = true;
            break;
        }
        if (!listed)
            holds = std::nullopt;
    }
    ::closedir(fds);
    return holds;
}

std::optional<pid_t> findProcessHoldingLock(const FileIdentity &file, std::uint64_t offset)
{
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return std::nullopt;
    std::optional<pid_t> found = 0;
    while (const dirent *process = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(process->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        if (processHoldsLock(static_cast<pid_t>(pid), file, offset).value_or(false)) {
            found = static_cast<pid_t>(pid);
            break;
        }
    }
    ::closedir(proc);
    return found;
}

pid_t processHoldingLock(const FileIdentity &file, std::uint64_t offset)
{
    return findProcessHoldingLock(file, offset).value_or(0);
}

std::uint64_t forkGeneration()
{
    return g_forkGeneration.load(std::memory_order_relaxed);
}

std::uint64_t pidNamespaceId()
{
    // Not cached: a child of fork() may live in another namespace (clone with CLONE_NEWPID).
    struct stat info {};
    return ::stat("/proc/self/ns/pid", &info) == 0 ? static_cast<std::uint64_t>(info.st_ino) : 0;
}

} // namespace shmtools::detail
