// SPDX-License-Identifier: BSD-3-Clause
// qt_peer: a plain Qt 6 program that uses QSharedMemory the way the Qt "Shared Memory Loader"
// example does (NUL-terminated text, Qt's own lock). Tests run it as a real process to stand in
// for a foreign Qt application, to hold Qt's lock, and to plant hostile segments.
//
//   qt_peer create KEY SIZE [TEXT]             create, optionally write TEXT, "ready", hold
//   qt_peer try-create KEY SIZE                create() once, exit (a failed one: exit 1)
//   qt_peer plant KEY SIZE MODE_OCTAL [TEXT]   like create, then chmod segment+semaphore to MODE
//   qt_peer write KEY TEXT                     attach, lock, copy TEXT and a NUL, detach
//   qt_peer read KEY                           attach, lock, print up to the first NUL
//   qt_peer dump KEY                           attach, lock, print every byte of the segment
//   qt_peer hold-lock KEY SECONDS              attach, lock, "locked", hold, unlock
//   qt_peer hold KEY                           attach, "attached", hold (lock not taken), detach
//   qt_peer native-key KEY                     print Qt's key file path for KEY
//
// Holding commands end on SIGTERM, SIGINT or SIGHUP (detaching properly, exit 0). Exit codes:
// 0 ok, 1 failure (message on stderr), 2 usage.

#include <QByteArray>
#include <QSharedMemory>
#include <QString>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>

namespace {

int fail(const std::string &what)
{
    std::fprintf(stderr, "qt_peer: %s\n", what.c_str());
    return 1;
}

int usage()
{
    std::fputs("usage: qt_peer create KEY SIZE [TEXT] | try-create KEY SIZE | plant KEY SIZE MODE [TEXT]"
               " | write KEY TEXT"
               " | read KEY | dump KEY | hold-lock KEY SECONDS | hold KEY | native-key KEY\n",
               stderr);
    return 2;
}

std::string errorOf(const QSharedMemory &shm, const char *what)
{
    return std::string(what) + " " + shm.key().toStdString() + ": " + shm.errorString().toStdString();
}

// Signals stay blocked from the start, so one that arrives before we wait for it is not lost.
sigset_t blockStopSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    return set;
}

/// Waits for a stop signal, or SECONDS if >= 0. True if a signal came.
bool holdUntilSignal(const sigset_t &set, double seconds = -1)
{
    if (seconds < 0) {
        int sig = 0;
        return sigwait(&set, &sig) == 0;
    }
    timespec timeout{static_cast<time_t>(seconds),
                     static_cast<long>((seconds - static_cast<double>(static_cast<time_t>(seconds))) * 1e9)};
    for (;;) {
        const int sig = sigtimedwait(&set, nullptr, &timeout);
        if (sig > 0)
            return true;
        if (errno != EINTR)
            return false;
    }
}

bool writeText(QSharedMemory &shm, const QByteArray &text)
{
    if (text.size() + 1 > shm.size()) {
        fail("text of " + std::to_string(text.size()) + " bytes plus NUL does not fit " + std::to_string(shm.size()) +
             " bytes");
        return false;
    }
    if (!shm.lock()) {
        fail(errorOf(shm, "lock"));
        return false;
    }
    std::memcpy(shm.data(), text.constData(), static_cast<size_t>(text.size()));
    static_cast<char *>(shm.data())[text.size()] = '\0';
    shm.unlock();
    return true;
}

std::string semaphoreKeyFile(const QSharedMemory &shm)
{
    // Qt derives both key files from the key the same way, only the prefix differs.
    QString path = shm.nativeKey();
    path.replace(QStringLiteral("qipc_sharedmemory_"), QStringLiteral("qipc_systemsem_"));
    return path.toStdString();
}

bool chmodIpc(const QSharedMemory &shm, int mode)
{
    const key_t shmKey = ftok(shm.nativeKey().toLocal8Bit().constData(), 'Q');
    const int shmid = shmKey == -1 ? -1 : shmget(shmKey, 0, 0);
    shmid_ds ds{};
    if (shmid == -1 || shmctl(shmid, IPC_STAT, &ds) != 0)
        return fail(std::string("cannot find the segment: ") + std::strerror(errno)), false;
    ds.shm_perm.mode = static_cast<unsigned short>((ds.shm_perm.mode & ~0777u) | (mode & 0777));
    if (shmctl(shmid, IPC_SET, &ds) != 0)
        return fail(std::string("shmctl(IPC_SET): ") + std::strerror(errno)), false;

    const key_t semKey = ftok(semaphoreKeyFile(shm).c_str(), 'Q');
    const int semid = semKey == -1 ? -1 : semget(semKey, 0, 0);
    semid_ds sds{};
    if (semid == -1 || semctl(semid, 0, IPC_STAT, &sds) != 0)
        return fail(std::string("cannot find the semaphore: ") + std::strerror(errno)), false;
    sds.sem_perm.mode = static_cast<unsigned short>((sds.sem_perm.mode & ~0777u) | (mode & 0777));
    if (semctl(semid, 0, IPC_SET, &sds) != 0)
        return fail(std::string("semctl(IPC_SET): ") + std::strerror(errno)), false;
    return true;
}

bool parseSize(const char *text, qsizetype &size)
{
    char *end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value <= 0)
        return false;
    size = static_cast<qsizetype>(value);
    return true;
}

int createAndHold(const QString &key, qsizetype size, int mode, const char *text)
{
    const sigset_t stopSignals = blockStopSignals();
    QSharedMemory shm(key);
    if (!shm.create(size))
        return fail(errorOf(shm, "create"));
    if (text && !writeText(shm, QByteArray(text)))
        return 1;
    if (mode >= 0 && !chmodIpc(shm, mode))
        return 1;
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    holdUntilSignal(stopSignals);
    shm.detach();
    return 0;
}

// Attached for reading or writing, under Qt's lock for the whole scope, like the example.
template <typename Body>
int withLockedSegment(const QString &key, QSharedMemory::AccessMode mode, Body body)
{
    QSharedMemory shm(key);
    if (!shm.attach(mode))
        return fail(errorOf(shm, "attach"));
    if (!shm.lock())
        return fail(errorOf(shm, "lock"));
    const int rc = body(shm);
    shm.unlock();
    shm.detach();
    return rc;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    const std::string command = argv[1];
    const QString key = QString::fromLocal8Bit(argv[2]);

    if (command == "create" || command == "plant") {
        const bool plant = command == "plant";
        const int fixed = plant ? 5 : 4;
        if (argc != fixed && argc != fixed + 1)
            return usage();
        qsizetype size = 0;
        if (!parseSize(argv[3], size))
            return usage();
        int mode = -1;
        if (plant) {
            char *end = nullptr;
            mode = static_cast<int>(std::strtol(argv[4], &end, 8));
            if (*end != '\0' || mode < 0 || mode > 0777)
                return usage();
        }
        return createAndHold(key, size, mode, argc == fixed + 1 ? argv[fixed] : nullptr);
    }
    if (command == "try-create" && argc == 4) {
        // What a Qt program started on a held key does: create() fails ("already exists"), and
        // the QSharedMemory's end removes the semaphore and its key file (Qt made both "Create"
        // mode); a create() that won detaches at once, which removes its segment and key file.
        qsizetype size = 0;
        if (!parseSize(argv[3], size))
            return usage();
        QSharedMemory shm(key);
        if (!shm.create(size))
            return fail(errorOf(shm, "create"));
        return 0;
    }
    if (command == "write" && argc == 4) {
        QSharedMemory shm(key);
        if (!shm.attach())
            return fail(errorOf(shm, "attach"));
        const bool ok = writeText(shm, QByteArray(argv[3]));
        shm.detach();
        return ok ? 0 : 1;
    }
    if ((command == "read" || command == "dump") && argc == 3) {
        const bool all = command == "dump";
        return withLockedSegment(key, QSharedMemory::ReadOnly, [all](QSharedMemory &shm) {
            const auto *data = static_cast<const char *>(shm.constData());
            size_t length = static_cast<size_t>(shm.size());
            if (!all)
                length = strnlen(data, length);
            std::fwrite(data, 1, length, stdout);
            return std::fflush(stdout) == 0 ? 0 : 1;
        });
    }
    if (command == "hold-lock" && argc == 4) {
        const sigset_t stopSignals = blockStopSignals();
        const double seconds = std::strtod(argv[3], nullptr);
        return withLockedSegment(key, QSharedMemory::ReadWrite, [&](QSharedMemory &) {
            std::fputs("locked\n", stdout);
            std::fflush(stdout);
            holdUntilSignal(stopSignals, seconds);
            return 0;
        });
    }
    if (command == "hold" && argc == 3) {
        // Qt keeps the semaphore it opened (and made, if there was none) for as long as the
        // QSharedMemory lives, and removes it and its key file on detach.
        const sigset_t stopSignals = blockStopSignals();
        QSharedMemory shm(key);
        if (!shm.attach())
            return fail(errorOf(shm, "attach"));
        std::fputs("attached\n", stdout);
        std::fflush(stdout);
        holdUntilSignal(stopSignals);
        shm.detach();
        return 0;
    }
    if (command == "native-key" && argc == 3) {
        std::printf("%s\n", QSharedMemory(key).nativeKey().toLocal8Bit().constData());
        return 0;
    }
    return usage();
}
